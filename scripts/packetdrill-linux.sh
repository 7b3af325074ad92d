#!/usr/bin/env bash
# Runs the packetdrill scripts of crates/synack-packetdrill/tests/ against this
# machine's Linux with packetdrill itself, and against the engine with
# `synack run --packetdrill`, and prints both verdicts side by side.
#
# Usage (as root): PACKETDRILL=/path/to/packetdrill scripts/packetdrill-linux.sh
#
# packetdrill is not a Debian package: build it from its source
# (github.com/google/packetdrill, gtests/net/packetdrill: ./configure && make;
# it needs bison and flex). Each script runs in a fresh network namespace that
# this script creates and deletes, so nothing reaches the host's network.
#
# Expected: every script in tests/scripts/ passes on both; the script in
# tests/wrong/ fails on both at the same line. The exit status is 1 if any of
# that is not so.
# The table it prints is kept in crates/synack-packetdrill/tests/linux-record.txt
# (write it there with `> crates/synack-packetdrill/tests/linux-record.txt`);
# a test requires every script to appear there, with the POSIX cksum of its
# text as it is now, as passing on Linux.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
    echo "packetdrill-linux.sh: run as root: packetdrill needs a TUN device and a namespace" >&2
    exit 2
fi
PD=${PACKETDRILL:-}
if [ -z "$PD" ] || [ ! -x "$PD" ]; then
    echo "packetdrill-linux.sh: set PACKETDRILL to a built packetdrill binary" >&2
    exit 2
fi
cargo build -q --release -p synack-cli
SYNACK=target/release/synack
NS=synack-pd-$$
trap 'ip netns del "$NS" 2>/dev/null || true' EXIT

# verdict FILE: "pass" or "fail@LINE".
linux() {
    ip netns add "$NS"
    local out rc=0
    out=$(ip netns exec "$NS" "$PD" "$1" 2>&1) || rc=$?
    ip netns del "$NS"
    if [ $rc = 0 ]; then echo pass; else echo "fail@$(sed -n 's/^[^:]*:\([0-9]*\): .*/\1/p' <<<"$out" | head -1)"; fi
}
engine() {
    local err rc=0
    err=$("$SYNACK" run --packetdrill "$1" 2>&1 >/dev/null) || rc=$?
    if [ $rc = 0 ]; then echo pass; else echo "fail@$(sed -n 's/.*script line \([0-9]*\):.*/\1/p' <<<"$err" | head -1)"; fi
}

status=0
echo "# Linux $(uname -r); packetdrill $PD; $(date -u +%Y-%m-%d)"
printf '%-48s %-10s %-10s %s\n' script linux engine cksum
for f in crates/synack-packetdrill/tests/{scripts,wrong}/*.pkt; do
    l=$(linux "$f")
    e=$(engine "$f")
    printf '%-48s %-10s %-10s %s\n' "${f#crates/synack-packetdrill/tests/}" "$l" "$e" "$(cksum < "$f" | cut -d' ' -f1)"
    case "$f" in
        */scripts/*) [ "$l" = pass ] && [ "$e" = pass ] || status=1 ;;
        */wrong/*) [ "$l" != pass ] && [ "$l" = "$e" ] || status=1 ;;
    esac
done
exit $status
