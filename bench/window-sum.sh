#!/usr/bin/env bash
# Windowed benchmark: the window-sum example (tumbling 10 s windows, 2 s out-of-orderness, watermark after every
# record) on events from ../shared/tools/gen_events.py, output to a file. Prints events/s and peak memory.
# Usage: bench/window-sum.sh [EVENTS]   (default 10000000)
# The input bench/data/events-<N>M.csv is generated when missing with ../shared/tools/gen_events.py (from the
# repository root), or with the generator GEN_EVENTS names (for a clone that has no shared/ beside it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
events="${1:-10000000}"
data="$root/bench/data/events-$((events / 1000000))M.csv"
[ "$events" -ge 1000000 ] || data="$root/bench/data/events-$events.csv"
mkdir -p "$root/bench/data"
if [ ! -f "$data" ]; then
  generator="${GEN_EVENTS:-$root/../shared/tools/gen_events.py}"
  if [ ! -f "$generator" ]; then
    echo "window-sum.sh: no input $data and no generator at $generator; set GEN_EVENTS=/path/to/gen_events.py" >&2
    exit 2
  fi
  python3 "$generator" --events "$events" --out "$data" >&2
fi
out=$(mktemp)
"$root/flow" help >/dev/null  # build the CLI first, outside the measurement
start=$(date +%s.%N)
# --progress prints a status line every 2 s and, at the end, the job's runtime (submission to end, as Flink's "Job Runtime").
/usr/bin/time -f "%M %U %S" -o "$out.time" "$root/flow" run window-sum --input "$data" --output "$out" \
  --window tumbling:10s --out-of-orderness 2s --progress 2> "$out.err" || { cat "$out.err" >&2; exit 1; }
end=$(date +%s.%N)
lines=$(wc -l < "$out")
runtime_ms=$(grep -o 'job runtime [0-9,]* ms' "$out.err" | tr -dc '0-9')
python3 - "$events" "$start" "$end" "$lines" "$runtime_ms" $(cat "$out.time") <<'PY'
import sys
events, start, end, lines, runtime_ms = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rss_kb, user, system = int(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8])
seconds = end - start
print(f"window-sum tumbling:10s, out-of-orderness 2s: {events:,} events, {lines:,} window results")
print(f"  whole command (CLI and embedded silo start, job, shutdown): {seconds:.2f} s = {events / seconds:,.0f} events/s")
print(f"  job runtime (submission to finish):                         {runtime_ms / 1000:.2f} s = {events / (runtime_ms / 1000):,.0f} events/s")
print(f"  peak RSS {rss_kb / 1024:,.0f} MiB; CPU {user:.2f} s user + {system:.2f} s system")
PY
rm -f "$out" "$out.time" "$out.err"
