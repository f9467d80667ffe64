#!/usr/bin/env bash
# Chat with the bot in the terminal: the action server runs in the background meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
SANIC_HOST=127.0.0.1 .venv/bin/rasa run actions --port 5055 --actions actions >/dev/null 2>&1 &
actions=$!
trap 'kill $actions 2>/dev/null' EXIT
.venv/bin/rasa shell --model models/community-safety.tar.gz --endpoints endpoints.yml
