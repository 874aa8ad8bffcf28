#!/usr/bin/env bash
# Windowed benchmark: the window-sum example (tumbling 10 s windows, 2 s out-of-orderness, watermark after every
# record) on events from ../shared/tools/gen_events.py, output to a file. Prints events/s and peak memory.
# Usage: bench/window-sum.sh [EVENTS]   (default 10000000)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
events="${1:-10000000}"
data="$root/bench/data/events-$((events / 1000000))M.csv"
[ "$events" -ge 1000000 ] || data="$root/bench/data/events-$events.csv"
mkdir -p "$root/bench/data"
if [ ! -f "$data" ]; then
  python3 "$root/../shared/tools/gen_events.py" --events "$events" --out "$data" >&2
fi
out=$(mktemp)
"$root/flow" help >/dev/null  # build the CLI first, outside the measurement
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$out.rss" "$root/flow" run window-sum --input "$data" --output "$out" \
  --window tumbling:10s --out-of-orderness 2s
end=$(date +%s.%N)
lines=$(wc -l < "$out")
python3 - "$events" "$start" "$end" "$(cat "$out.rss")" "$lines" <<'PY'
import sys
events, start, end, rss_kb, lines = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
seconds = end - start
print(f"window-sum tumbling:10s, out-of-orderness 2s: {events:,} events in {seconds:.2f} s = {events / seconds:,.0f} events/s "
      f"(whole command, including embedded silo start); peak RSS {rss_kb / 1024:,.0f} MiB; {lines:,} window results")
PY
rm -f "$out" "$out.rss"
