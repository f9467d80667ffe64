#!/usr/bin/env bash
# Chat with the bot in the terminal: the action server (as `make run` starts it, from
# build/local/Procfile, which `python -m deploy.profile --local` writes) runs in the background.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/honcho start -f build/local/Procfile -e build/local/local.env -d "$PWD" actions >/dev/null 2>&1 &
actions=$!
trap 'kill $actions 2>/dev/null' EXIT
# Rasa needs the action server's secret (endpoints.yml) from the same file honcho reads.
set -a; . build/local/local.env; set +a
.venv/bin/python -m deploy.rasa_server shell --model models/community-safety.tar.gz --endpoints endpoints.yml
