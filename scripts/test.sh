#!/usr/bin/env bash
# Lint, format check, then the whole test suite (browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== ruff check"
.venv/bin/ruff check .
echo "== ruff format --check"
.venv/bin/ruff format --check .

echo "== browser test dependencies"
# Installs Chromium (apt) and axe-core (npm ci) when missing; fails, never skips.
bash scripts/e2e_setup.sh

echo "== pytest"
.venv/bin/python -m pytest "$@"
