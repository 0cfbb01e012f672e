#!/usr/bin/env bash
# Several training seeds of one configuration, scored twice: against the independent MD set at the
# target temperature (for choosing configurations) and against the reference MD (for reporting), so
# that no choice peeks at the numbers that are reported.
#   tools/seed-study.sh MOLECULE CONFIG [--seeds N] [--steps N] [--samples N]
# CONFIG is examples/MOLECULE/train/CONFIG.yaml; run tools/study.sh MOLECULE first (MD frames).
# Each seed trains the config with its seed (and --steps when given), draws --samples conformations
# with LAMMPS energies (drift-sample), and is compared with both sets including the Stein checks.
# Finished seeds are reused (delete out/MOLECULE-study/seeds/CONFIG/sN.xyz to retrain one).
# Output: out/MOLECULE-study/seeds/CONFIG/REPORT.md (mean [min, max] over seeds).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${DRIFT_BUILD_DIR:-$ROOT/build}"
MOLECULE="${1:-}" CONFIG="${2:-}"
[ -n "$MOLECULE" ] && [ -n "$CONFIG" ] || { sed -n '2,10p' "$0"; exit 2; }
shift 2
SEEDS=3 STEPS="" SAMPLES=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) SEEDS="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --samples) SAMPLES="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "seed-study: unknown option '$1'" >&2; exit 2 ;;
  esac
done
EX="$ROOT/examples/$MOLECULE"
YAML="$EX/train/$CONFIG.yaml"
[ -f "$YAML" ] || { echo "seed-study: no $YAML" >&2; exit 2; }
# shellcheck source=/dev/null
source "$EX/study.conf"
OUT="$ROOT/out/$MOLECULE-study"
MD="$OUT/md"
for f in reference "independent-${T_TARGET}K"; do
  [ -f "$MD/$f.dump" ] || { echo "seed-study: $MD/$f.dump missing: run tools/study.sh $MOLECULE first" >&2; exit 2; }
done
cmake --build "$BUILD" -j"$(nproc)" --target drift-train drift-sample drift-compare >/dev/null
DIR="$OUT/seeds/$CONFIG"
mkdir -p "$DIR"
T0=$(date +%s)
files=() labels=()
for s in $(seq 1 "$SEEDS"); do
  name="s$s"
  if [ ! -f "$DIR/$name.xyz" ]; then
    # The study's own model is this config at its own seed: reused rather than trained again.
    study_model="$(cd "$EX/train" && realpath -m "$(sed -n 's/^output: *//p' "$YAML")")"
    config_seed="$(sed -n 's/.*seed: *\([0-9]*\).*/\1/p' "$YAML" | head -1)"
    if [ -z "$STEPS" ] && [ "$s" = "$config_seed" ] && [ -f "$study_model" ] && [ ! -f "$DIR/$name.pt" ]; then
      printf '[%5ss] %s: seed %s is the study model %s\n' "$(( $(date +%s) - T0 ))" "$CONFIG" "$s" "$study_model"
      cp "$study_model" "$DIR/$name.pt"
    fi
    # The config with this seed (and steps) and its output here; relative paths made absolute.
    data="$(cd "$EX/train" && realpath -m "$(sed -n 's/^data: *//p' "$YAML")")"
    sed -e "s|^data: .*|data: $data|" -e "s|^molecule: .*|molecule: $EX/$DATA|" \
        -e "s|^forcefield: .*|forcefield: $EX/forcefield.lmp|" -e "s|^output: .*|output: $DIR/$name.pt|" \
        -e "s|seed: [0-9]*|seed: $s|" ${STEPS:+-e "s|steps: [0-9]*|steps: $STEPS|"} "$YAML" > "$DIR/$name.yaml"
    if [ ! -f "$DIR/$name.pt" ]; then
      printf '[%5ss] %s: training seed %s\n' "$(( $(date +%s) - T0 ))" "$CONFIG" "$s"
      "$BUILD/tools/drift-train" "$DIR/$name.yaml" > "$DIR/$name.manifest.yaml" 2> "$DIR/$name.log"
    fi
    "$BUILD/tools/drift-sample" "$DIR/$name.pt" -d "$EX/$DATA" -n "$SAMPLES" --seed "$s" \
      --forcefield "$EX/forcefield.lmp" -o "$DIR/$name.xyz.tmp" 2>> "$DIR/$name.log"
    mv "$DIR/$name.xyz.tmp" "$DIR/$name.xyz"
  fi
  files+=("$DIR/$name.xyz"); labels+=(-l "$CONFIG-s$s")
done
for against in "independent-${T_TARGET}K" reference; do
  "$BUILD/tools/drift-compare" -q --no-plots -d "$EX/$DATA" "$MD/$against.dump" "${files[@]}" "${labels[@]}" \
    --reference-label "$against" --forcefield "$EX/forcefield.lmp" --ksd-temperature "$T_TARGET" --ksd-samples 2000 \
    -o "$DIR/vs-$against" > "$DIR/vs-$against.md"
done
HEADER="$(awk -F'|' -v header=1 -f "$ROOT/tools/seed-table.awk" "$DIR/vs-reference.md")"
{
  echo "# $CONFIG: $SEEDS seeds ($MOLECULE, $(sed -n 's/.*[{ ]steps: *\([0-9][0-9]*\).*/\1/p' "$DIR/s1.yaml" | head -1) steps, $SAMPLES samples each)"
  echo
  echo "Regenerate: \`bash tools/seed-study.sh $MOLECULE $CONFIG --seeds $SEEDS${STEPS:+ --steps $STEPS}\`. Entries: mean [min, max] over seeds."
  echo
  echo "## Selection: against the independent MD set at ${T_TARGET} K (what configurations are chosen on)"
  echo
  echo "$HEADER"
  awk -F'|' -f "$ROOT/tools/seed-table.awk" "$DIR/vs-independent-${T_TARGET}K.md"
  echo
  echo "## Report: against the reference MD at ${T_TARGET} K"
  echo
  echo "$HEADER"
  awk -F'|' -f "$ROOT/tools/seed-table.awk" "$DIR/vs-reference.md"
  echo
  echo "Per seed against the reference (drift-compare's tables): $DIR/vs-reference.md"
} > "$DIR/REPORT.md.tmp"
mv "$DIR/REPORT.md.tmp" "$DIR/REPORT.md"
cat "$DIR/REPORT.md"
