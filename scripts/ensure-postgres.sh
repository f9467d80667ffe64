#!/usr/bin/env bash
# The storage tests run against a real PostgreSQL server, started on loopback by the tests.
# Install Debian's server package when it is missing.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is needed for the tests: run 'sudo apt-get install postgresql' and try again." >&2
    exit 1
fi
echo "Installing PostgreSQL from Debian's packages (for the storage tests)..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq postgresql >/dev/null
# The tests start their own server; Debian's default cluster is not needed.
service postgresql stop >/dev/null 2>&1 || true
