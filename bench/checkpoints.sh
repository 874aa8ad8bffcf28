#!/usr/bin/env bash
# Checkpoint benchmark (what checkpoints and key counts cost): see bench/checkpoints.py --help.
# Usage: bench/checkpoints.sh [embedded] [cluster] [keys] [--rate N] [--runs N] [--sizes 100k 1M] [--key-flags ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec python3 "$root/bench/checkpoints.py" "$@"
