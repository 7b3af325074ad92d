#!/usr/bin/env bash
# Builds the static site into dist/: the pages, the <synack-viz> element's ES
# modules and the optimised wasm, all with relative URLs so that any static host
# can serve it from any sub-path. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_cargo
need_wasm_target
need_wasm_bindgen
need_npm_packages

step "building the wasm engine"
cargo build --profile wasm --locked --target wasm32-unknown-unknown -p synack-wasm

rm -rf dist
cp -r www dist
wasm-bindgen --target web --no-typescript --out-dir dist/synack/pkg \
    target/wasm32-unknown-unknown/wasm/synack_wasm.wasm

step "optimising the wasm (npm binaryen's wasm-opt; never Debian's)"
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
    dist/synack/pkg/synack_wasm_bg.wasm -o dist/synack/pkg/synack_wasm_bg.wasm

step "bundling the element's modules into one minified synack.js"
# www/synack/ stays plain, readable modules; a reader's browser fetches one file.
node_modules/.bin/esbuild dist/synack/synack.js --bundle --format=esm --minify \
    --target=es2022 --legal-comments=none --log-level=warning \
    --outfile=dist/synack/synack.js --allow-overwrite
find dist/synack -name '*.js' ! -path dist/synack/synack.js -delete

raw=$(wc -c < dist/synack/pkg/synack_wasm_bg.wasm)
gz=$(gzip -9 -c dist/synack/pkg/synack_wasm_bg.wasm | wc -c)
js=$(wc -c < dist/synack/synack.js)
jsgz=$(gzip -9 -c dist/synack/synack.js | wc -c)
echo "dist/ built: wasm ${raw} bytes (${gz} gzip -9), synack.js ${js} bytes (${jsgz} gzip -9)"
