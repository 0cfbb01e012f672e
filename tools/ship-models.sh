#!/usr/bin/env bash
# Ships trained ethanol generators into potentials/ with a model card each:
#   potentials/ethanol-<variant>.pt    the model (copied from out/ethanol-study/models/<variant>.pt)
#   potentials/ethanol-<variant>.yaml  data, method, parameters, metrics of 10000 samples drawn by
#                                      fix drift/boltzmann against the 500 K reference MD, and the
#                                      check that tests/fix/model_cards.sh reproduces
#   potentials/ethanol-reference-500K.xyz  1000 reference conformations (last reference frame)
# Run after tools/ethanol-study.sh and tools/ethanol-train-all.sh <variant ...>.
# Usage: tools/ship-models.sh fi-dist fk-coord
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${DRIFT_BUILD_DIR:-$ROOT/build}"
OUT="$ROOT/out/ethanol-study"
EX="$ROOT/examples/ethanol"
POT="$ROOT/potentials"
[ $# -gt 0 ] || { sed -n '2,10p' "$0"; exit 2; }
command -v unzip >/dev/null || { echo "ship-models: needs unzip to read the manifest (apt-get install unzip)" >&2; exit 2; }
MPIRUN=(mpirun --oversubscribe -np 2)
[ "$(id -u)" -eq 0 ] && MPIRUN=(mpirun --allow-run-as-root --oversubscribe -np 2)
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$BUILD/tools/drift-frames" -d "$EX/ethanol.data" "$OUT/md/reference.dump" "$WORK/reference-500K.xyz" --frames 100:100
mv "$WORK/reference-500K.xyz" "$POT/ethanol-reference-500K.xyz"
row() { grep "^| $2 |" "$1" | head -1 | awk -F'|' -v c="$3" '{ gsub(/ /, "", $c); print $c }'; }
for v in "$@"; do
  model="$OUT/models/$v.pt"
  [ -f "$model" ] || { echo "ship-models: $model not found (tools/ethanol-train-all.sh $v)" >&2; exit 1; }
  cp "$model" "$WORK/ethanol-$v.pt"
  # The card's check: 2 batches of 1000 replicas, seed 2026, against the shipped reference subset.
  (cd "$WORK" && "${MPIRUN[@]}" "$BUILD/plugin/lmp_drift" -in "$EX/../in.sample" -var dir "$EX" -var model "$WORK/ethanol-$v.pt" \
     -var nx 10 -var batches 2 -var seed 2026 -var out check -log none -screen none)
  "$BUILD/tools/drift-compare" -q --no-plots -d "$EX/ethanol.data" "$POT/ethanol-reference-500K.xyz" "$WORK/check.xyz" \
    -l "$v" -o "$WORK/check-report" > "$WORK/check.md"
  # Metrics: 10 batches of 1000 against the full reference, with the Stein checks.
  (cd "$WORK" && "${MPIRUN[@]}" "$BUILD/plugin/lmp_drift" -in "$EX/../in.sample" -var dir "$EX" -var model "$WORK/ethanol-$v.pt" \
     -var nx 10 -var batches 10 -var seed 1 -var out full -log none -screen none)
  "$BUILD/tools/drift-compare" -q --no-plots -d "$EX/ethanol.data" "$OUT/md/reference.dump" "$WORK/full.xyz" -l "$v" \
    --forcefield "$EX/forcefield.lmp" --ksd-temperature 500 -o "$WORK/full-report" > "$WORK/full.md"
  manifest="$(unzip -p "$WORK/ethanol-$v.pt" '*/extra/manifest.yaml')"
  # The Stein checks' table (the well-population tables have +- entries too).
  ksd="$(sed -n '/^| ensemble | samples | KSD/,/^$/p' "$WORK/full.md" | grep "^| $v |" | head -1)"
  {
    echo "# Model card: ethanol-$v.pt (written by tools/ship-models.sh)"
    echo "model: ethanol-$v.pt"
    echo "molecule: ethanol, OPLS-AA (examples/ethanol/ethanol.data and forcefield.lmp), 9 atoms, LAMMPS units real"
    echo "config: examples/ethanol/train/$v.yaml"
    echo "training_data: biased MD at 300 K, 3000 conformations (tools/ethanol-study.sh, out/ethanol-study/md/biased-300K.dump)"
    echo "target_temperature_K: 500"
    echo "$manifest" | grep -E '^(libtorch_version|trainer_version):'
    echo "manifest_method:  # the method block of the manifest inside the model"
    echo "$manifest" | sed -n '/^method:/,/^[a-z]/p' | grep -E '^  '
    echo "metrics:  # 10000 samples from fix drift/boltzmann (in.sample, seed 1) vs reference MD 500 K (100000 conformations)"
    echo "  valid@0.1: $(row "$WORK/full.md" "$v" 4)"
    echo "  valid@0.2: $(row "$WORK/full.md" "$v" 5)"
    echo "  bond_mae_angstrom: $(row "$WORK/full.md" "$v" 6)"
    echo "  hr_tvd: $(row "$WORK/full.md" "$v" 7)"
    echo "  pair_type_tvd: $(row "$WORK/full.md" "$v" 8)"
    echo "  torsion_jsd_label_free_max: $(row "$WORK/full.md" "$v" 9)  # pooled over equivalent atoms (docs/metrics.md)"
    echo "  torsion_jsd_labelled_max: $(row "$WORK/full.md" "$v" 10)"
    echo "  torsion_w1_label_free_max_degrees: $(row "$WORK/full.md" "$v" 11)"
    echo "  mean_energy_kcal_mol: $(row "$WORK/full.md" "$v" 12)  # reference 11.36"
    echo "  energy_w1_kcal_mol: $(row "$WORK/full.md" "$v" 13)"
    echo "  ksd2: \"$(echo "$ksd" | awk -F'|' '{ gsub(/^ +| +$/, "", $4); print $4 }')\""
    echo "  configurational_temperature_ratio: \"$(echo "$ksd" | awk -F'|' '{ gsub(/^ +| +$/, "", $5); print $5 }')\""
    echo "check:  # reproduced by tests/fix/model_cards.sh: in.sample, 10x10x10 replicas, vs ethanol-reference-500K.xyz"
    echo "  seed: 2026"
    echo "  nx: 10"
    echo "  batches: 2"
    echo "  valid@0.2: $(row "$WORK/check.md" "$v" 5)"
    echo "  hr_tvd: $(row "$WORK/check.md" "$v" 7)"
  } > "$WORK/ethanol-$v.yaml"
  mv "$WORK/ethanol-$v.pt" "$POT/ethanol-$v.pt"
  mv "$WORK/ethanol-$v.yaml" "$POT/ethanol-$v.yaml"
  echo "shipped potentials/ethanol-$v.pt"
  cat "$POT/ethanol-$v.yaml"
done
