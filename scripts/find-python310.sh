#!/usr/bin/env bash
# Print the path of a working Python 3.10 interpreter, or explain what to install.
# Rasa Open Source 3.6 supports no newer Python. Looks at, in order: $PYTHON310,
# python3.10 on PATH (a pyenv shim only counts if it actually runs), pyenv's installed
# versions, and the usual system locations.
set -u

works() {
    [ -n "$1" ] && [ -x "$1" ] || command -v "$1" >/dev/null 2>&1 || return 1
    "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1
}

candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
candidates+=("python3.10")
pyenv_root="${PYENV_ROOT:-}"
if [ -z "$pyenv_root" ] && command -v pyenv >/dev/null 2>&1; then
    pyenv_root="$(pyenv root 2>/dev/null)"
fi
[ -z "$pyenv_root" ] && pyenv_root="$HOME/.pyenv"
for dir in "$pyenv_root"/versions/3.10*/bin; do
    [ -d "$dir" ] && candidates+=("$dir/python3.10")
done
candidates+=("/usr/local/bin/python3.10" "/usr/bin/python3.10")

for candidate in "${candidates[@]}"; do
    if works "$candidate"; then
        if [ -x "$candidate" ]; then echo "$candidate"; else command -v "$candidate"; fi
        exit 0
    fi
done

cat >&2 <<'MSG'
No Python 3.10 interpreter was found, and this project needs one:
Rasa Open Source 3.6 runs on Python 3.8-3.10 only.

Install one of these, then run the command again:
  - pyenv:   pyenv install 3.10
  - Debian/Ubuntu: apt-get install python3.10 python3.10-venv  (where the release has it)
  - or point PYTHON310 at an interpreter:  PYTHON310=/path/to/python3.10 make test
MSG
exit 1
