#!/usr/bin/env bash
# fix drift/boltzmann's cost per rank against the molecule count, for several rank counts
# (oversubscribed where the machine has fewer cores: samples/s then measure the machine, while
# memory and bytes per rank, counted by the fix, are exact):
#   tools/scale-bench.sh [--ranks 1,2,4,8] [--molecules 1000,10000,100000,1000000] [--events 3] [-- drift-scale-bench options]
# Prints one markdown table (drift-scale-bench's rows for every rank count) on stdout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${DRIFT_BUILD_DIR:-$ROOT/build}"
RANKS=1,2,4,8 MOLECULES=1000,10000,100000,1000000 EVENTS=3 EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ranks) RANKS="$2"; shift 2 ;;
    --molecules) MOLECULES="$2"; shift 2 ;;
    --events) EVENTS="$2"; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "scale-bench: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
BENCH="$BUILD/tools/drift-scale-bench"
[ -x "$BENCH" ] || { echo "scale-bench: $BENCH not built (cmake -DDRIFT_BUILD_BENCHMARKS=ON, target drift-scale-bench)" >&2; exit 2; }
MPIRUN=(mpirun --oversubscribe)
[ "$(id -u)" -eq 0 ] && MPIRUN+=(--allow-run-as-root)
header=1
for np in ${RANKS//,/ }; do
  if [ "$header" -eq 1 ]; then opts=(); header=0; else opts=(--no-header); fi
  "${MPIRUN[@]}" -np "$np" "$BENCH" --molecules "$MOLECULES" --events "$EVENTS" "${opts[@]}" "${EXTRA[@]}"
done
