#!/usr/bin/env bash
# Replay every replays/*.sh on the private engines NAMES, one JSON file per script:
#   scripts/dialect-replays.sh OUTDIR NAME...
# then `scripts/dialect_table.py OUTDIR/NAME-*.jsonl` lists the differences (docs/dialects/).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$1; shift
mkdir -p "$out"
for n in "$@"; do
  for f in "$here"/replays/[0-9]*.sh; do
    b=$(basename "$f" .sh)
    start=$(date +%s.%N)
    "$here/.venv/bin/dockspec" replay --private "$n" --json "$f" > "$out/$n-$b.jsonl" 2> "$out/$n-$b.err"
    echo "$n $b exit=$? $(echo "$(date +%s.%N) - $start" | bc) s" >> "$out/status"
  done
done
