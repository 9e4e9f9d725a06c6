#!/usr/bin/env bash
# Refresh the vendored front-end assets of the web app from the npm registry.
# The versions are pinned in package.json / package-lock.json at the repository root; this script
# installs exactly the locked versions in a scratch folder and copies the files the pages use into
# src/semesta/web/static/vendor/ (committed, so a fresh machine needs neither npm nor internet).
# Usage: scripts/update-assets.sh            (to upgrade: edit package.json, then `npm install
#        --package-lock-only` at the root, then run this script and review the diff)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/src/semesta/web/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/package.json" "$root/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
mkdir -p "$dest/chartjs" "$dest/pico"
# The source map is not shipped; drop its reference so browsers do not ask for it.
grep -v '^//# sourceMappingURL=' "$work/node_modules/chart.js/dist/chart.umd.min.js" \
  >"$dest/chartjs/chart.umd.min.js"
cp "$work/node_modules/chart.js/LICENSE.md" "$dest/chartjs/LICENSE.md"
cp "$work/node_modules/@picocss/pico/css/pico.min.css" "$dest/pico/"
cp "$work/node_modules/@picocss/pico/LICENSE.md" "$dest/pico/LICENSE.md"
node -e '
const lock = require(process.argv[1]);
const out = ["# Vendored front-end assets", "",
  "Installed from the npm registry by scripts/update-assets.sh (versions locked in",
  "package-lock.json at the repository root) and served by the app itself: no CDN.", "",
  "| Package | Version | Licence | Files |", "|---|---|---|---|"];
const files = {"chart.js": "chartjs/chart.umd.min.js", "@picocss/pico": "pico/pico.min.css"};
for (const [name, file] of Object.entries(files)) {
  const p = lock.packages["node_modules/" + name];
  out.push(`| ${name} | ${p.version} | ${p.license} (see ${file.split("/")[0]}/LICENSE.md) | ${file} |`);
}
out.push("", "chart.umd.min.js bundles @kurkle/color (MIT, Jukka Kurkela), as its header says.");
require("fs").writeFileSync(process.argv[2], out.join("\n") + "\n");
' "$work/package-lock.json" "$dest/ATTRIBUTION.md"
echo "Vendored assets updated in $dest; review the diff and run the tests."
