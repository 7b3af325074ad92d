#!/usr/bin/env bash
# Makes the npm tarballs in target/packages/: synack-viz (the built element from
# dist/synack/ plus its Node renderer, packages/synack-viz/), hexo-synack and
# markdown-it-synack. Each is packed with `npm pack` from a staged copy, so the
# tarball holds exactly what a user's `npm install` gets.
#   bash scripts/build-site.sh && bash scripts/package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

if [ ! -f dist/synack/synack.js ] || [ ! -f dist/synack-embed.js ]; then
    echo "dist/synack/ is missing: run scripts/build-site.sh first" >&2
    exit 1
fi

out=target/packages
rm -rf "$out"
mkdir -p "$out/stage"

step "staging synack-viz (the element from dist/synack/, the renderer from packages/synack-viz/)"
stage=$out/stage/synack-viz
cp -r dist/synack "$stage"
cp dist/synack-embed.js "$stage/"
cp -r packages/synack-viz/. "$stage/"

for name in hexo-synack markdown-it-synack; do
    [ -d "packages/$name" ] && cp -r "packages/$name" "$out/stage/$name"
done

step "packing"
for dir in "$out"/stage/*/; do
    (cd "$dir" && npm pack --silent --pack-destination "$OLDPWD/$out" >/dev/null)
done
rm -rf "$out/stage"
for f in "$out"/*.tgz; do
    echo "  $f: $(wc -c < "$f") bytes"
done
