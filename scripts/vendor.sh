#!/usr/bin/env bash
# Refresh the vendored front-end files in static/vendor/ from the npm packages pinned in
# package.json / package-lock.json. The app never loads code from a CDN: these files are
# checked into git, so `make run` needs no npm. Only this script needs npm.
#
#   htmx.min.js              htmx.org (copied)
#   ws.min.js                htmx-ext-ws, the WebSocket extension (copied)
#   idiomorph-ext.min.js     idiomorph with its htmx "morph" extension (copied)
#   codemirror-yaml.min.js   CodeMirror 6 + YAML, bundled by esbuild from
#                            static/js/src/editor-entry.js (window.ClusterLabEditor)
#   VERSIONS.txt             each file, its npm packages, exact versions and sha256
#   LICENSES.txt             the licence of every package whose code is in a file
#
# Idempotent and deterministic: running it twice gives byte-identical files.
# To upgrade: change the exact version in package.json, `npm install`, rerun this script,
# and commit package.json, package-lock.json and static/vendor/ together.
set -euo pipefail
cd "$(dirname "$0")/.."

out=static/vendor
entry=static/js/src/editor-entry.js

fail() {
  echo "error: $*" >&2
  exit 1
}

command -v npm >/dev/null 2>&1 || fail "npm is needed to refresh static/vendor/ (apt-get install nodejs npm)."

# 1. `npm ci` only when node_modules is missing a package or was installed from another
#    lock file. Same stamp as scripts/e2e_setup.sh, so the two scripts share one install.
stamp=node_modules/.clusterlab-lock.sha256
want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
needed=(
  node_modules/htmx.org/dist/htmx.min.js
  node_modules/htmx-ext-ws/dist/ws.min.js
  node_modules/idiomorph/dist/idiomorph-ext.min.js
  node_modules/codemirror/package.json
  node_modules/esbuild/bin/esbuild
  node_modules/axe-core/axe.min.js
)
missing=0
for file in "${needed[@]}"; do
  [ -f "$file" ] || missing=1
done
if [ "$missing" -eq 1 ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "Installing npm packages from package-lock.json (npm ci)..."
  npm ci --no-audit --no-fund --loglevel=error
  for file in "${needed[@]}"; do
    [ -f "$file" ] || fail "npm ci did not install $file."
  done
  echo "$want" >"$stamp"
fi

# Two copies of @codemirror/state (or view) in one bundle break CodeMirror at runtime
# ("Unrecognized extension value"): the @codemirror/* pins must agree.
for core in state view; do
  copies="$(find node_modules -path "*/@codemirror/$core/package.json" | wc -l)"
  [ "$copies" -eq 1 ] || fail "$copies copies of @codemirror/$core in node_modules: align the @codemirror/* versions."
done

# 2. Build everything in a scratch directory, then swap it in whole: a failed run leaves
#    static/vendor/ untouched, and files no longer produced disappear.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/vendor"

cp node_modules/htmx.org/dist/htmx.min.js "$work/vendor/htmx.min.js"
cp node_modules/htmx-ext-ws/dist/ws.min.js "$work/vendor/ws.min.js"
cp node_modules/idiomorph/dist/idiomorph-ext.min.js "$work/vendor/idiomorph-ext.min.js"

node_modules/.bin/esbuild "$entry" \
  --bundle --format=iife --minify --target=es2020 --charset=utf8 \
  --legal-comments=eof --log-level=warning \
  --metafile="$work/meta.json" --outfile="$work/vendor/codemirror-yaml.min.js"

# 3. VERSIONS.txt and LICENSES.txt. Versions come from package-lock.json; the bundle's
#    packages are exactly the ones esbuild's metafile says went into it.
node - "$work" <<'JS'
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");

const work = process.argv[2];
const vendor = path.join(work, "vendor");
const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages;

function version(name) {
  const entry = lock[`node_modules/${name}`];
  if (!entry) throw new Error(`${name} is not in package-lock.json`);
  return entry.version;
}

function packageOf(input) {
  const at = input.lastIndexOf("node_modules/");
  if (at < 0) return null; // our own entry file
  const parts = input.slice(at + "node_modules/".length).split("/");
  return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
}

const meta = JSON.parse(fs.readFileSync(path.join(work, "meta.json"), "utf8"));
const bundled = [...new Set(Object.keys(meta.inputs).map(packageOf).filter(Boolean))].sort();

const files = [
  ["htmx.min.js", [["htmx.org", "copied"]]],
  ["ws.min.js", [["htmx-ext-ws", "copied"]]],
  ["idiomorph-ext.min.js", [["idiomorph", "copied"]]],
  [
    "codemirror-yaml.min.js",
    [...bundled.map((name) => [name, "bundled"]), ["esbuild", "bundler"]],
  ],
];

const rows = [];
for (const [file, packages] of files) {
  const sha = crypto.createHash("sha256").update(fs.readFileSync(path.join(vendor, file))).digest("hex");
  for (const [name, role] of packages) rows.push([file, name, version(name), role, sha]);
}
const header = [
  "# Vendored front-end files. Written by scripts/vendor.sh from package-lock.json: do not edit.",
  "# One row per (file, npm package). role: copied from the package, bundled into the file,",
  "# or the bundler that built it. sha256 is the file's.",
  "# file\tpackage\tversion\trole\tsha256",
];
fs.writeFileSync(
  path.join(vendor, "VERSIONS.txt"),
  [...header, ...rows.map((row) => row.join("\t"))].join("\n") + "\n",
);

const licensed = [...new Set(rows.filter((row) => row[3] !== "bundler").map((row) => row[1]))].sort();
const licences = licensed.map((name) => {
  const dir = path.join("node_modules", name);
  const file = fs.readdirSync(dir).sort().find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  if (!file) throw new Error(`${name} ships no LICENSE file`);
  const declared = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).license;
  const text = fs.readFileSync(path.join(dir, file), "utf8").trim();
  return `== ${name} ${version(name)} (${declared ?? "licence text below"}) ==\n\n${text}\n`;
});
fs.writeFileSync(
  path.join(vendor, "LICENSES.txt"),
  "Licences of the npm packages whose code is in static/vendor/ (see VERSIONS.txt).\n\n" +
    licences.join("\n"),
);
JS

rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$work/vendor" "$out"
echo "static/vendor/: $(cut -f1 "$out/VERSIONS.txt" | grep -v '^#' | sort -u | tr '\n' ' ')"
