#!/usr/bin/env bash
# Create .venv with a Python >= 3.12 and install the pinned dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin="$(bash scripts/find_python.sh)"
if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
  echo "Removing .venv: it was made with a Python older than 3.12."
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $python_bin"
  "$python_bin" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements/dev.txt
echo "Dependencies installed in .venv ($(.venv/bin/python --version))."
