#!/usr/bin/env bash
# Installs what the tests need (skipping what is already there) and runs every
# test: formatting, clippy, the workspace's Rust tests, the wasm binding's tests
# in headless Chromium, the site build, and the browser tests against it.
# Usage: scripts/test.sh            (also what .ci/run calls, with CI=true)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_cargo
need_rust_components
need_wasm_target
need_chromium
need_site_generators
need_npm_packages
need_wasm_bindgen
need_wasm_pack

log=$(mktemp)
trap 'rm -f "$log"' EXIT

step "rustfmt"
cargo fmt --all --check

step "clippy"
cargo clippy --workspace --all-targets --locked --quiet -- -D warnings
# The element's lean module: wasm32, no std, no default features.
cargo clippy --target wasm32-unknown-unknown -p synack-wasm --no-default-features --locked --quiet -- -D warnings

step "Rust tests"
cargo test --workspace --locked 2>&1 | tee -a "$log"
# The engine as the element's lean module builds it: without the listen queues.
cargo test -p synack-core --no-default-features --lib --locked 2>&1 | tee -a "$log"
# Leaving them out changes no trace of the scenarios the lean module runs.
if diff <(cargo run -q -p synack-core --locked --example lean_traces) \
        <(cargo run -q -p synack-core --locked --no-default-features --example lean_traces) >/dev/null; then
    echo "test result: ok. 1 passed; 0 failed (the lean build's traces)" | tee -a "$log"
else
    echo "FAILED: a catalogue trace differs without synack-core's queues feature (cargo run -p synack-core --example lean_traces)" >&2
    exit 1
fi

step "wasm binding tests (headless Chromium)"
(cd crates/synack-wasm && CHROMEDRIVER=/usr/bin/chromedriver \
    wasm-pack test --headless --chrome --mode no-install 2>&1) | tee -a "$log"

step "site build"
bash scripts/build-site.sh

if compgen -G "tests/e2e/*.test.mjs" >/dev/null; then
    step "browser tests (headless Chromium)"
    node --test tests/e2e/ 2>&1 | tee -a "$log"
fi

# One closing line for the whole run, summed over every runner above.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     /^# pass / { p += $3 } /^# fail / { f += $3 }
     END { printf "\ntests: %d passed, %d failed\n", p, f }' "$log"
