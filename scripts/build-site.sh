#!/usr/bin/env bash
# Builds the static site into dist/: the pages, the <synack-viz> element's ES
# modules and the optimised wasm, all with relative URLs so that any static host
# can serve it from any sub-path. Installs what it needs first.
#   SYNACK_SITE_URL=https://you.github.io/synack/ scripts/build-site.sh
# The site's public address goes only where a relative URL cannot: sitemap.xml,
# the Open Graph tags' og:url and og:image, and the 404 page's links
# (scripts/site-meta.mjs). Default: http://127.0.0.1:8000/, scripts/serve.sh's.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_cargo
need_wasm_target
need_wasm_bindgen
need_npm_packages

rm -rf dist
cp -r www dist
step "sitemap.xml, Open Graph URLs and the 404 page for ${SYNACK_SITE_URL:-the default address}"
node scripts/site-meta.mjs dist "${SYNACK_SITE_URL:-}"

# Two builds of the engine: pkg/ is the element's and reads catalogue ids only;
# pkg-full/ also reads scenario objects, and only a page that asks for them
# fetches it (www/synack/engine.js). wasm-opt is the npm binaryen's, never
# Debian's (../shared/TOOLCHAIN.md).
wasm_build() { # crate, out-dir, cargo feature flags...
    local crate=$1 out=$2
    shift 2
    cargo build --profile wasm --locked --target wasm32-unknown-unknown -p "$crate" "$@"
    wasm-bindgen --target web --no-typescript --out-dir "$out" \
        "target/wasm32-unknown-unknown/wasm/${crate//-/_}.wasm"
    node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
        "$out/${crate//-/_}_bg.wasm" -o "$out/${crate//-/_}_bg.wasm"
}
step "building the element's wasm engine (catalogue ids only)"
wasm_build synack-wasm dist/synack/pkg --no-default-features
step "building the full wasm engine (scenario objects too)"
wasm_build synack-wasm dist/synack/pkg-full

# ---- capture import block (issue 5): the capture reader, loaded only when used ----
step "building the capture reader (wasm, for <synack-viz capture=…>)"
# Its own folder, dist/synack/capture/: the wasm and one module worker (the
# wasm-bindgen glue and www/synack/capture-worker.js bundled together). The
# element's capture chunk starts the worker from there; nothing in synack.js
# fetches it, so a page without a capture never downloads it.
wasm_build synack-capture-wasm dist/synack/capture
node_modules/.bin/esbuild dist/synack/capture-worker.js --bundle --format=esm --minify \
    --target=es2022 --legal-comments=none --log-level=warning --outfile=dist/synack/capture/worker.js
rm dist/synack/capture/synack_capture_wasm.js
# A few small real captures for the gallery's "try a sample".
mkdir -p dist/samples
for f in full-lifecycle.pcap syn-lost.pcap simultaneous-close.pcap two-interfaces.pcapng; do
    cp "crates/synack-capture/tests/captures/$f" dist/samples/
done
# ---- end of the capture import block ----

# ---- packetdrill block (issue 17): the script runner, loaded only when used ----
step "building the packetdrill runner (wasm, for <synack-viz packetdrill=…>)"
# Its own folder, dist/synack/packetdrill/: the wasm and its wasm-bindgen glue,
# fetched by the element's packetdrill chunk (www/synack/packetdrill.js) at run
# time, so a page without a script never downloads them.
wasm_build synack-packetdrill-wasm dist/synack/packetdrill
# ---- end of the packetdrill block ----

# ---- blog helper's block (issue 4): split bundle, lazy chunks, one-file embed ----
step "bundling the element: synack.js plus lazily loaded chunks"
# www/synack/ stays plain, readable modules (copied to dist/synack/ above, beside
# pkg/). The bundle is split: what an English page needs is in synack.js; the
# Chinese strings, the analogy texts and the export code are chunks beside it,
# fetched by dynamic import() only when used. Chunks sit in the same folder, so
# each one's import.meta.url finds pkg/. scripts/bundle.mjs says how it differs
# from plain `esbuild --bundle --splitting` (dom.js stays in synack.js).
bundle=$(mktemp -d)
node scripts/bundle.mjs dist/synack/synack.js "$bundle"

step "building the one-file embed: dist/synack-embed.js (wasm inlined)"
# Everything in one file for a blog that can host only one: the lazy modules are
# folded in (no --splitting) and the optimised wasm, gzipped, is inlined by
# esbuild's binary loader (www/synack/embed.js unpacks it).
gzip -9 -n -c dist/synack/pkg/synack_wasm_bg.wasm > dist/synack/pkg/synack_wasm_bg.wasm.gz
node_modules/.bin/esbuild dist/synack/synack-embed.js --bundle --format=esm --minify \
    --target=es2022 --legal-comments=none --log-level=warning --charset=utf8 --loader:.gz=binary \
    --outfile=dist/synack-embed.js
rm dist/synack/pkg/synack_wasm_bg.wasm.gz

find dist/synack -name '*.js' -not -path 'dist/synack/pkg-full/*' -not -path 'dist/synack/capture/*' \
    -not -path 'dist/synack/packetdrill/*' -delete
find dist/synack -type d -empty -delete
cp "$bundle"/*.js dist/synack/
rm -rf "$bundle"
for f in dist/synack/*.js dist/synack-embed.js dist/synack/capture/worker.js dist/synack/capture/*.wasm; do
    echo "  $f: $(wc -c < "$f") bytes, $(gzip -9 -c "$f" | wc -c) gzip -9"
done
# ---- end of the blog helper's block ----

raw=$(wc -c < dist/synack/pkg/synack_wasm_bg.wasm)
gz=$(gzip -9 -c dist/synack/pkg/synack_wasm_bg.wasm | wc -c)
js=$(wc -c < dist/synack/synack.js)
jsgz=$(gzip -9 -c dist/synack/synack.js | wc -c)
echo "dist/ built: wasm ${raw} bytes (${gz} gzip -9), synack.js ${js} bytes (${jsgz} gzip -9)"
