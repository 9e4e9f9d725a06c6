#!/usr/bin/env bash
# Refresh the vendored Kemendagri region codes from the npm package idn-area-data.
# Usage: scripts/update-regions.sh 4.0.1
set -euo pipefail
version=${1:?usage: $0 VERSION}
dest=$(cd "$(dirname "$0")/.." && pwd)/src/semesta/data/regions
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "idn-area-data@$version" >/dev/null && tar xzf idn-area-data-*.tgz)
cp "$work"/package/data/{provinces,regencies,districts,villages}.csv "$dest"/
cp "$work"/package/data/LICENSE.md "$dest"/LICENSE-DATA-ODbL.md
cp "$work"/package/LICENSE "$dest"/LICENSE-idn-area-data-MIT
echo "Updated to idn-area-data $version; now update $dest/ATTRIBUTION.md and run the tests."
