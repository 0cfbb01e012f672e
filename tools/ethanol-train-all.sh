#!/usr/bin/env bash
# Trains the nine ethanol variants {drift, fi, fk} x {dist, coord, dist-std} on the biased 300 K
# frames of tools/ethanol-study.sh (run that first), draws 10000 samples from each with LAMMPS
# energies, and compares them, the training data and an independent MD set with the 500 K reference.
# dist-std adds a standardised distance group (examples/ethanol/train/*-dist-std.yaml).
# About 5 minutes per variant on 2 cores (8 for dist-std). Output: out/ethanol-study/trainer-report/report.md.
# Usage: tools/ethanol-train-all.sh [variant ...]   (default: all nine; the report includes every
# variant whose samples exist, so one variant can be retrained alone)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${DRIFT_BUILD_DIR:-$ROOT/build}"
OUT="$ROOT/out/ethanol-study"
EX="$ROOT/examples/ethanol"
[ -f "$OUT/md/biased-300K.dump" ] || { echo "ethanol-train-all: run tools/ethanol-study.sh first" >&2; exit 2; }
cmake --build "$BUILD" -j"$(nproc)" --target drift-train drift-sample drift-compare >/dev/null
mkdir -p "$OUT/models"
VARIANTS=(drift-dist fi-dist fk-dist drift-coord fi-coord fk-coord drift-dist-std fi-dist-std fk-dist-std)
TRAIN=("${@:-${VARIANTS[@]}}")
for v in "${TRAIN[@]}"; do
  [ -f "$EX/train/$v.yaml" ] || { echo "ethanol-train-all: unknown variant '$v' (expected one of: ${VARIANTS[*]})" >&2; exit 2; }
done
for v in "${TRAIN[@]}"; do
  echo "== $v"
  start=$(date +%s)
  "$BUILD/tools/drift-train" "$EX/train/$v.yaml" > "$OUT/models/$v.manifest.yaml"
  echo "   trained in $(( $(date +%s) - start )) s"
  "$BUILD/tools/drift-sample" "$OUT/models/$v.pt" -d "$EX/ethanol.data" -n 10000 \
    --forcefield "$EX/forcefield.lmp" -o "$OUT/models/$v.xyz"
done
labels=() files=()
for v in "${VARIANTS[@]}"; do
  [ -f "$OUT/models/$v.xyz" ] && { labels+=(-l "$v"); files+=("$OUT/models/$v.xyz"); }
done
"$BUILD/tools/drift-compare" -d "$EX/ethanol.data" "$OUT/md/reference.dump" "$OUT/md/independent-500K.dump" \
  "$OUT/md/biased-300K.dump" "${files[@]}" --reference-label "reference MD 500 K" \
  -l "independent MD 500 K (noise floor)" -l "training data: MD 300 K" "${labels[@]}" -o "$OUT/trainer-report" \
  --forcefield "$EX/forcefield.lmp" --ksd-temperature 500
