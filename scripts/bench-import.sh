#!/usr/bin/env bash
# `synack import` against `tshark -r FILE -q -z conv,tcp` on the same captures, side
# by side: wall time, CPU time (user + system, steadier than wall time on a shared
# machine), throughput and peak RSS (GNU time's "Maximum resident set size"). The captures are generated (scripts/pcapgen.py) under $BENCH_DIR (default
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

# run CMD...: prints "wall_seconds cpu_seconds peak_kib" for one run of CMD, its
# output discarded.
run() {
  /usr/bin/time -o "$dir/time.txt" -f "%e %U %S %M" "$@" >/dev/null 2>/dev/null
  tail -1 "$dir/time.txt" | awk '{ print $1, $2 + $3, $4 }'
}

row() {
  python3 - "$@" <<'EOF'
import sys
f, mb, st, sc, sk, listed, tt, tc, tk, conv = sys.argv[1:]
if f == "file":
    print(f"{'file':<16} {'MB':>6} | {'synack s':>8} {'cpu s':>6} {'MB/s':>6} {'RSS MB':>6} {'listed':>7} | {'tshark s':>8} {'cpu s':>6} {'MB/s':>6} {'RSS MB':>6} {'conv':>7} | {'speed':>5} {'cpu':>5} {'RSS':>5}")
    sys.exit()
mb, st, sc, sk, tt, tc, tk = float(mb), float(st), float(sc), int(sk), float(tt), float(tc), int(tk)
st, sc, tt, tc = max(st, 0.01), max(sc, 0.01), max(tt, 0.01), max(tc, 0.01)
print(f"{f:<16} {mb:6.0f} | {st:8.2f} {sc:6.2f} {mb / st:6.0f} {sk / 1024:6.1f} {listed:>7} | {tt:8.2f} {tc:6.2f} {mb / tt:6.1f} {tk / 1024:6.0f} {conv:>7} | {tt / st:4.1f}x {tc / sc:4.1f}x {tk / sk:4.0f}x")
EOF
}

row file - - - - - - - - -
for f in $files; do
  path="$dir/$f"
  mb=$(python3 -c "import os; print(round(os.path.getsize('$path') / 1e6, 1))")
  read -r s_t s_c s_k < <(run "$synack" import "$path" --format json)
  listed=$("$synack" import "$path" --format json 2>/dev/null | python3 -c "import json,sys; print(json.load(sys.stdin)['connections_total'])")
  read -r t_t t_c t_k < <(run tshark -r "$path" -q -z conv,tcp)
  conv=$(tshark -r "$path" -q -z conv,tcp 2>/dev/null | grep -c '<->' || true)
  row "$f" "$mb" "$s_t" "$s_c" "$s_k" "$listed" "$t_t" "$t_c" "$t_k" "$conv"
done
echo "speed, cpu: tshark's wall and CPU time / synack's; RSS: tshark's peak / synack's (GNU time, max RSS)."
uptime
"$synack" --version
tshark --version | head -1
