#!/usr/bin/env bash
# Install a Debian package the tests need when what it provides is missing.
#   scripts/ensure-debian-package.sh PACKAGE PATH-GLOB "what it is for"
# e.g. scripts/ensure-debian-package.sh chromium /usr/bin/chromium "the browser tests"
set -euo pipefail
package="$1" provides="$2" purpose="$3"
# shellcheck disable=SC2086  # the glob is meant to expand
if ls $provides >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "$package is needed for $purpose: run 'sudo apt-get install $package' and try again." >&2
    exit 1
fi
echo "Installing $package from Debian's packages (for $purpose)..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "$package" >/dev/null
