#!/usr/bin/env bash
# Builds the site (installing what it needs) and serves it on localhost.
# Usage: scripts/serve.sh [PORT]        (default 8000; Ctrl-C stops it)
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8000}
case "$port" in
    '' | *[!0-9]*) echo "scripts/serve.sh: the port must be a number, not \"$port\"" >&2; exit 2 ;;
esac
bash scripts/build-site.sh
echo
echo "synack: http://127.0.0.1:$port/ (the gallery) and http://127.0.0.1:$port/post.html (a sample post)"
# Python's server sends .wasm as application/wasm, which streaming compilation needs.
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory dist
