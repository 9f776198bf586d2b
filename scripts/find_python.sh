#!/usr/bin/env bash
# Print the path of a working Python >= 3.12 (Django 6.1 needs it).
# Candidates on PATH come first; pyenv's installed versions are tried after,
# by their real binaries, because pyenv's shims fail without PYENV_VERSION.
set -u

works() {
  "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

candidates=()
if [ -n "${PYTHON:-}" ]; then candidates+=("$PYTHON"); fi
for name in python3.14 python3.13 python3.12 python3 python; do
  if command -v "$name" >/dev/null 2>&1; then candidates+=("$(command -v "$name")"); fi
done
pyenv_root="${PYENV_ROOT:-}"
if [ -z "$pyenv_root" ] && command -v pyenv >/dev/null 2>&1; then
  pyenv_root="$(pyenv root 2>/dev/null || true)"
fi
[ -z "$pyenv_root" ] && pyenv_root="$HOME/.pyenv"
for dir in $(ls -d "$pyenv_root"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do
  for bin in "$dir"/bin/python3.1[2-9] "$dir"/bin/python3; do
    [ -x "$bin" ] && candidates+=("$bin")
  done
done
for extra in /usr/local/bin/python3.13 /usr/local/bin/python3.12 /usr/bin/python3.13 /usr/bin/python3.12; do
  [ -x "$extra" ] && candidates+=("$extra")
done

for candidate in "${candidates[@]}"; do
  if works "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done
echo "No Python >= 3.12 found. Install Python 3.12 or newer (tried: ${candidates[*]:-nothing})." >&2
exit 1
