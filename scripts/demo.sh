#!/usr/bin/env bash
# Builds synack and shows a scenario step by step in the terminal: by default the
# old duplicate SYN, under a two-way and then a three-way handshake.
# Usage: scripts/demo.sh [ID [synack run options...]]     (IDs: synack scenarios)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
cargo build --release --locked --quiet -p synack-cli
synack=target/release/synack
if [ $# -gt 0 ]; then
    exec "$synack" run "$@"
fi
"$synack" run old-duplicate-syn --handshake two-way --numbers relative
echo
"$synack" run old-duplicate-syn --handshake three-way --numbers relative
