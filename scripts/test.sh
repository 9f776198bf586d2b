#!/usr/bin/env bash
# Lint, format check, then the whole test suite (browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== ruff check"
.venv/bin/ruff check .
echo "== ruff format --check"
.venv/bin/ruff format --check .

echo "== pytest"
.venv/bin/python -m pytest "$@"
