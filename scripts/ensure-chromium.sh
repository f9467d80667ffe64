#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright (Playwright cannot download its
# own browser here). Install it when it is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "Chromium is needed for the browser tests: run 'sudo apt-get install chromium' and try again." >&2
    exit 1
fi
echo "Installing Chromium from Debian's packages (for the browser tests)..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
