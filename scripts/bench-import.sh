#!/usr/bin/env bash
# `synack import` against `tshark -r FILE -q -z conv,tcp` on the same captures, side
# by side: wall time, throughput and peak RSS (GNU time's "Maximum resident set
# size"). The captures are generated (scripts/pcapgen.py) under $BENCH_DIR (default
# /tmp/synack-bench), never committed:
#   bulk-100M.pcap, bulk-1000M.pcap   connections of 1 MiB each, 8 at a time, full payloads
#   short-250k.pcap, short-1M.pcap    short connections (8 segments each), ~14 open at once
# Pairs of sizes 10x apart show how time and memory grow. Usage:
#   scripts/bench-import.sh            # all four files
#   BENCH_FILES="bulk-100M.pcap" scripts/bench-import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/synack-bench}
mkdir -p "$dir"
files=${BENCH_FILES:-"bulk-100M.pcap bulk-1000M.pcap short-250k.pcap short-1M.pcap"}

command -v tshark >/dev/null || { echo "tshark is needed (apt-get install tshark)"; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is needed (apt-get install time)"; exit 1; }
cargo build --release --locked -p synack-cli >/dev/null 2>&1
synack=target/release/synack

for f in $files; do
  [ -s "$dir/$f" ] && continue
  echo "generating $dir/$f" >&2
  case $f in
    bulk-*M.pcap) n=${f#bulk-}; python3 scripts/pcapgen.py bulk "$dir/$f" "${n%M.pcap}" ;;
    short-250k.pcap) python3 scripts/pcapgen.py short "$dir/$f" 250000 ;;
    short-1M.pcap) python3 scripts/pcapgen.py short "$dir/$f" 1000000 ;;
    *) echo "unknown file $f"; exit 1 ;;
  esac
done

# run NAME FILE CMD...: prints "seconds peak_kib" for one run, output discarded.
run() {
  local out
  out=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
  echo "$out"
}

printf "%-17s %9s %11s | %-8s %8s %9s %9s | %-8s %8s %9s %9s | %7s %7s\n" \
  file MB connections synack s MB/s "RSS MB" listed tshark s MB/s "RSS MB" conv "speed" "RSS"
for f in $files; do
  path="$dir/$f"
  mb=$(python3 -c "import os; print(round(os.path.getsize('$path') / 1e6, 1))")
  read -r s_t s_k < <(run synack "$synack" import "$path" --format json)
  listed=$("$synack" import "$path" --format json | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['connections_total'])")
  read -r t_t t_k < <(run tshark tshark -r "$path" -q -z conv,tcp)
  conv=$(tshark -r "$path" -q -z conv,tcp | grep -c '<->' || true)
  python3 - "$f" "$mb" "$s_t" "$s_k" "$listed" "$t_t" "$t_k" "$conv" <<'EOF'
import sys
f, mb, st, sk, listed, tt, tk, conv = sys.argv[1:]
mb, st, sk, tt, tk = float(mb), float(st), int(sk), float(tt), int(tk)
st, tt = max(st, 0.01), max(tt, 0.01)
print(f"{f:<17} {mb:9.1f} {'':>11} | {st:8.2f} {mb / st:8.1f} {sk / 1024:9.1f} {listed:>9} | {tt:8.2f} {mb / tt:8.1f} {tk / 1024:9.1f} {conv:>9} | {tt / st:6.1f}x {tk / sk:6.1f}x")
EOF
done
echo "speed: tshark's time / synack's; RSS: tshark's peak / synack's. synack and tshark versions:"
"$synack" --version
tshark --version | head -1
