#!/usr/bin/env bash
# The biased-data experiment: for each bias of the training data (MD at 300 K instead of 500 K; a
# 1.5 ps time-contiguous window at 500 K), train plain drift, FI and FK in distance space (raw, and
# with a standardised group: *-dist-std) and coordinate space with several seeds, draw samples, and
# compare them, the biased data and an independent MD set with the 500 K reference, including the
# reference-free Stein checks. Tables report the mean and spread (min-max) over seeds.
# Run tools/ethanol-study.sh first (MD frames).
#   tools/ethanol-bias-study.sh [--seeds N] [--steps N] [--biases "300K window"] [--variants "..."]
# Full size (3 seeds x 9 variants x 2 biases x 10^4 steps) takes about 5 hours on 2 cores;
# --steps 3000 about 100 minutes (docs/bias-study.md). Finished models are reused (delete
# out/ethanol-study/bias/<bias>/<variant>-s<seed>.xyz to retrain one).
# Output: out/ethanol-study/bias/REPORT.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${DRIFT_BUILD_DIR:-$ROOT/build}"
OUT="$ROOT/out/ethanol-study"
EX="$ROOT/examples/ethanol"
SEEDS=3 STEPS=10000 BIASES="300K window" VARIANTS="drift-dist fi-dist fk-dist drift-coord fi-coord fk-coord drift-dist-std fi-dist-std fk-dist-std"
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) SEEDS="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --biases) BIASES="$2"; shift 2 ;;
    --variants) VARIANTS="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "ethanol-bias-study: unknown option '$1'" >&2; exit 2 ;;
  esac
done
declare -A DATA=([300K]="$OUT/md/biased-300K.dump" [window]="$OUT/md/window-500K.dump")
for b in $BIASES; do
  [ -n "${DATA[$b]:-}" ] || { echo "ethanol-bias-study: unknown bias '$b' (300K or window)" >&2; exit 2; }
  [ -f "${DATA[$b]}" ] || { echo "ethanol-bias-study: ${DATA[$b]} missing: run tools/ethanol-study.sh first" >&2; exit 2; }
done
cmake --build "$BUILD" -j"$(nproc)" --target drift-train drift-sample drift-compare >/dev/null
T0=$(date +%s)
for b in $BIASES; do
  dir="$OUT/bias/$b"
  mkdir -p "$dir"
  files=() labels=()
  for v in $VARIANTS; do
    for s in $(seq 1 "$SEEDS"); do
      name="$v-s$s"
      if [ ! -f "$dir/$name.xyz" ]; then
        # The variant's config with this bias's data, seed, steps and output (paths made absolute).
        sed -e "s|^data: .*|data: ${DATA[$b]}|" -e "s|^molecule: .*|molecule: $EX/ethanol.data|" \
            -e "s|^forcefield: .*|forcefield: $EX/forcefield.lmp|" -e "s|^output: .*|output: $dir/$name.pt|" \
            -e "s|steps: [0-9]*|steps: $STEPS|" -e "s|seed: [0-9]*|seed: $s|" \
            -e "s|checkpoint_every: [0-9]*|checkpoint_every: $((STEPS / 5 > 0 ? STEPS / 5 : 1))|" \
            "$EX/train/$v.yaml" > "$dir/$name.yaml"
        printf '[%5ss] %s: training %s\n' "$(( $(date +%s) - T0 ))" "$b" "$name"
        "$BUILD/tools/drift-train" "$dir/$name.yaml" > "$dir/$name.manifest.yaml" 2> "$dir/$name.log"
        "$BUILD/tools/drift-sample" "$dir/$name.pt" -d "$EX/ethanol.data" -n 5000 --seed "$s" \
          --forcefield "$EX/forcefield.lmp" -o "$dir/$name.xyz" 2>> "$dir/$name.log"
      fi
      files+=("$dir/$name.xyz"); labels+=(-l "$name")
    done
  done
  "$BUILD/tools/drift-compare" -q --no-plots -d "$EX/ethanol.data" "$OUT/md/reference.dump" "$OUT/md/independent-500K.dump" \
    "${DATA[$b]}" "${files[@]}" --reference-label "reference MD 500 K" -l "independent MD 500 K (noise floor)" \
    -l "training data ($b)" "${labels[@]}" --forcefield "$EX/forcefield.lmp" --ksd-temperature 500 --ksd-samples 1000 \
    -o "$dir/report" > "$dir/table.md"
done

# Mean and spread over seeds: one row per variant from the per-seed rows of each table.
{
  echo "# Biased-data experiment (target 500 K; $SEEDS seeds, $STEPS steps, 5000 samples per model)"
  echo
  echo "Regenerate: \`bash tools/ethanol-bias-study.sh --seeds $SEEDS --steps $STEPS\`. Entries: mean [min, max] over seeds."
  for b in $BIASES; do
    echo
    echo "## Bias: $b"
    echo
    awk -F'|' -v header=1 -f "$ROOT/tools/seed-table.awk" "$OUT/bias/$b/table.md"
    awk -F'|' -f "$ROOT/tools/seed-table.awk" "$OUT/bias/$b/table.md"
  done
} > "$OUT/bias/REPORT.md.tmp"
mv "$OUT/bias/REPORT.md.tmp" "$OUT/bias/REPORT.md"
cat "$OUT/bias/REPORT.md"
