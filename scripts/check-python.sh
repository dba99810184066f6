#!/usr/bin/env bash
# Fail early, with what to install, when the interpreter is too old or venv is missing.
set -euo pipefail
py="${1:-python3}"
if ! command -v "$py" >/dev/null; then
  echo "Python 3.11+ is required: install python3 (Debian/Ubuntu: apt-get install python3 python3-venv)" >&2
  exit 1
fi
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11+ is required; $py is $("$py" --version 2>&1)" >&2
  exit 1
fi
"$py" -c 'import venv, ensurepip' 2>/dev/null || {
  echo "Python's venv module is missing: apt-get install python3-venv" >&2; exit 1; }
