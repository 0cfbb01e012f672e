#!/usr/bin/env bash
# Data-parallel drift-train: steps/s on 1 and K ranks for the same global batch, from a training
# configuration with its steps and batch overridden (threads split over the ranks: 1 rank with
# T threads against K ranks with T/K each, so both use the same cores).
#   tools/train-scale-bench.sh CONFIG [--ranks 1,2] [--batches 512,4096] [--steps 200] [--threads 2] [--field-chunk C] [--data FRAMES]
# --data replaces the configuration's training frames (for speed only: nothing else is adapted).
# Prints a markdown table on stdout (steps/s, samples/s, speed-up over 1 rank). Setup (labelling,
# Hessians) is excluded: the figure is drift-train's own training-loop rate.
set -eu
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${DRIFT_BUILD_DIR:-$ROOT/build}"
[ $# -ge 1 ] || { sed -n '2,7p' "$0"; exit 2; }
CONFIG="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; shift
RANKS=1,2 BATCHES=512,4096 STEPS=200 THREADS=2 CHUNK=0 DATA=""
while [ $# -gt 0 ]; do
  case "$1" in
    --ranks) RANKS="$2"; shift 2 ;;
    --batches) BATCHES="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --field-chunk) CHUNK="$2"; shift 2 ;;
    --data) DATA="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "train-scale-bench: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ -f "$CONFIG" ] || { echo "train-scale-bench: $CONFIG: no such configuration" >&2; exit 2; }
TRAIN="$BUILD/tools/drift-train"
[ -x "$TRAIN" ] || { echo "train-scale-bench: $TRAIN not built" >&2; exit 2; }
MPIRUN=(mpirun --oversubscribe)
[ "$(id -u)" -eq 0 ] && MPIRUN+=(--allow-run-as-root)
WORK="$(mktemp -d)"
# The edited configuration sits next to the original (its relative paths keep working).
cfg="$(dirname "$CONFIG")/.train-scale-bench-$$.yaml"
trap 'rm -rf "$WORK" "$cfg"' EXIT
echo "| global batch | field_chunk | ranks | threads/rank | steps/s | samples/s | speed-up |"
echo "|---|---|---|---|---|---|---|"
for batch in ${BATCHES//,/ }; do
  base=""
  for np in ${RANKS//,/ }; do
    threads=$(( THREADS / np > 0 ? THREADS / np : 1 ))
    python3 - "$CONFIG" "$cfg" "$batch" "$STEPS" "$threads" "$WORK/model.pt" "$CHUNK" "$DATA" <<'PY'
import re, sys
src, dst, batch, steps, threads, out, chunk, data = sys.argv[1:]
text = open(src).read()
def training(m):
    body = m.group(1)
    keys = [("batch", batch), ("steps", steps), ("threads", threads), ("checkpoint_every", steps), ("log_every", steps)]
    if int(chunk) > 0 and int(chunk) < int(batch): keys.append(("field_chunk", chunk))
    for key, value in keys:
        body, n = re.subn(r"\b%s:\s*[^,}]+" % key, "%s: %s" % (key, value), body)
        if n == 0: body = body.rstrip() + ", %s: %s" % (key, value)
    return "training: {" + body + "}"
text, n = re.subn(r"training:\s*\{([^}]*)\}", training, text, flags=re.S)
if n != 1: sys.exit("train-scale-bench: %s: expected one 'training: {...}' flow map" % src)
text = re.sub(r"(?m)^output:.*$", "output: " + out, text)
if data: text = re.sub(r"(?m)^data:.*$", "data: " + data, text)
open(dst, "w").write(text)
PY
    rate=$("${MPIRUN[@]}" -np "$np" "$TRAIN" "$cfg" 2>&1 >/dev/null | tee "$WORK/log" | sed -n 's/.* steps at \([0-9.e+]*\) steps\/s.*/\1/p' | tail -1)
    rm -f "$cfg"
    [ -n "$rate" ] || { tail -5 "$WORK/log" >&2; echo "train-scale-bench: drift-train failed at batch $batch on $np ranks" >&2; exit 1; }
    [ -z "$base" ] && base="$rate"
    chunk_label=$([ "$CHUNK" -gt 0 ] && [ "$CHUNK" -lt "$batch" ] && echo "$CHUNK" || echo "-")
    awk -v c="$chunk_label" -v b="$batch" -v np="$np" -v t="$threads" -v r="$rate" -v base="$base" \
      'BEGIN { printf "| %d | %s | %d | %d | %.2f | %.0f | %.2fx |\n", b, c, np, t, r, r * b, r / base }'
  done
done
