#!/usr/bin/env bash
# Throughput benchmark: plain C# loop vs the engine on the embedded silo, KeyBy(key).Sum(value) over generated events.
# Usage: bench/run.sh [--events N] [--parallelism N] [--phase all|loop|engine] [--in-process] ...  (--help for all)
# Generates bench/data/events-<N>.csv with ../shared/tools/gen_events.py (relative to the repository root) if missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/artifacts/bench"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! dotnet build "$root/bench/OrleansFlow.Bench.csproj" -c Release -o "$out" --nologo >"$log" 2>&1; then
  cat "$log" >&2
  echo "bench: build failed" >&2
  exit 3
fi
cd "$root"
exec dotnet "$out/OrleansFlow.Bench.dll" "$@"
