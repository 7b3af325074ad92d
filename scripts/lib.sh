# Shared by the scripts in this folder: each `need_*` installs one tool the
# project needs, and does nothing when it is already there.
# shellcheck shell=bash

step() { printf '\n== %s\n' "$*"; }

need_cargo() {
    if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
    if ! command -v cargo >/dev/null 2>&1; then
        echo "cargo not found. Install Rust with rustup (https://rustup.rs), then run this again." >&2
        exit 1
    fi
}

need_rust_components() {
    command -v rustup >/dev/null 2>&1 || return 0
    local installed
    installed=$(rustup component list --installed 2>/dev/null || true)
    for component in rustfmt clippy; do
        if ! grep -q "^$component" <<<"$installed"; then
            step "installing the $component component"
            rustup component add "$component"
        fi
    done
}

need_wasm_target() {
    if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        step "installing the wasm32-unknown-unknown target"
        rustup target add wasm32-unknown-unknown
    fi
}

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock
}

need_wasm_bindgen() {
    local want
    want=$(wasm_bindgen_version)
    if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
        step "installing wasm-bindgen-cli $want (a few minutes, once)"
        # Not --locked: its lock file pins a release the registry mirror lacks.
        cargo install wasm-bindgen-cli --version "=$want" --force
    fi
}

need_wasm_pack() {
    if ! command -v wasm-pack >/dev/null 2>&1; then
        step "installing wasm-pack (a few minutes, once)"
        cargo install wasm-pack --locked
    fi
}

need_chromium() {
    # fonts-noto-cjk: without it Chinese text renders as empty boxes in screenshots
    # and in the zh-CN browser tests.
    if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
        step "installing Chromium, ChromeDriver and CJK fonts"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-cjk
    fi
}

need_site_generators() {
    # Hugo and Jekyll, for the tests of integrations/ (tests/e2e/packages.test.mjs).
    if ! command -v hugo >/dev/null 2>&1 || ! command -v jekyll >/dev/null 2>&1; then
        step "installing Hugo and Jekyll (Debian's)"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends hugo jekyll
    fi
}

need_npm_packages() {
    if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/esbuild ] || [ ! -d node_modules/playwright-core ] \
        || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        step "installing npm packages"
        npm ci --no-audit --no-fund
    fi
}
