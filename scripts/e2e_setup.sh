#!/usr/bin/env bash
# Make sure the browser tests (tests/e2e) can run: Chromium and the pinned npm
# packages (axe-core). Idempotent: when everything is in place it only prints one
# line. It never skips anything: if a piece cannot be installed it fails loudly.
#
#   CLUSTERLAB_CHROMIUM   use this Chromium binary instead of /usr/bin/chromium
#                         (nothing is installed then); tests/e2e/conftest.py reads it too.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium="${CLUSTERLAB_CHROMIUM:-/usr/bin/chromium}"

fail() {
  echo "error: $*" >&2
  exit 1
}

# Run apt-get as root, through `sudo -n` when we are not root. CI has no stdin,
# so sudo must not prompt; a missing sudo or a password prompt is a clear failure.
apt_install() {
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      as_root=(sudo -n)
    else
      fail "the browser tests need: $*. Not root and no password-less sudo, so they cannot be" \
        "installed here. Install them once with: sudo apt-get install --no-install-recommends $*" \
        "(or point CLUSTERLAB_CHROMIUM at a Chromium binary)."
    fi
  fi
  command -v apt-get >/dev/null 2>&1 ||
    fail "the browser tests need: $*, and this machine has no apt-get. Install them with your" \
      "package manager (or point CLUSTERLAB_CHROMIUM at a Chromium binary)."
  local log
  log="$(mktemp)"
  echo "Installing $* with apt-get (first run only; this takes a minute)..."
  if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -q -o DPkg::Lock::Timeout=300 update >"$log" 2>&1 ||
    ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get -q -y -o DPkg::Lock::Timeout=300 install --no-install-recommends "$@" >>"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -f "$log"
    fail "apt-get could not install: $* (last lines of its output above)."
  fi
  rm -f "$log"
}

# 1. Chromium. Playwright cannot download its own browsers here; the tests launch
#    Debian's chromium through Playwright's executable_path. With
#    --no-install-recommends it brings no fonts: a bare machine would render every
#    glyph as a box, so add fonts-liberation when there is no font at all.
missing=()
if [ ! -x "$chromium" ]; then
  if [ -n "${CLUSTERLAB_CHROMIUM:-}" ]; then
    fail "CLUSTERLAB_CHROMIUM=$chromium is not an executable file."
  fi
  missing+=(chromium)
fi
if [ -z "$(find /usr/share/fonts /usr/local/share/fonts -type f \( -name '*.ttf' -o -name '*.otf' \) \
  -print -quit 2>/dev/null)" ]; then
  missing+=(fonts-liberation)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}"
  [ -x "$chromium" ] || fail "apt-get ran, but $chromium is still missing."
fi

# 2. npm packages pinned in package-lock.json (axe-core, injected into pages by the
#    accessibility checks). `npm ci` runs only when node_modules is missing or was
#    installed from a different lock file.
stamp=node_modules/.clusterlab-lock.sha256
want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
if [ ! -f node_modules/axe-core/axe.min.js ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
  echo "Installing npm packages from package-lock.json (npm ci)..."
  npm ci --no-audit --no-fund --loglevel=error
  [ -f node_modules/axe-core/axe.min.js ] || fail "npm ci did not install axe-core."
  echo "$want" >"$stamp"
fi

echo "browser tests: $("$chromium" --version 2>/dev/null || echo "$chromium"), axe-core $(
  sed -n 's/^.*"version": "\([^"]*\)".*$/\1/p' node_modules/axe-core/package.json | head -n 1
)"
