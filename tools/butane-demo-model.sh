#!/usr/bin/env bash
# The demonstration butane generator of examples/mixture, from scratch, in about 15 minutes on 2
# cores: potentials/butane-demo-fi-dist-std-tor-energy.pt, its card (.yaml) and the butane reference
# subset potentials/butane-reference-500K.xyz.
#   1. short MD with examples/in.md (out/butane-demo/md): training data at 300 K (100 molecules,
#      40,000 steps after the 800 K phase, 30 frames 1000 steps apart: 3000 conformations) and a
#      reference at 500 K (200 molecules, 20,000 steps, 30 frames: 6000 conformations);
#   2. drift-train examples/butane/train/demo-fi-dist-std-tor-energy.yaml (the recipe, 5000 steps
#      at batch 256 instead of 10,000 at 512);
#   3. tools/ship-models.sh --molecule butane on that folder: the card's metrics and check.
# A fraction of tools/study.sh butane (MD ~25 minutes, training ~18): the card says it is a
# demonstration model and what it measured. MD is cached in out/butane-demo/md (--fresh reruns it).
# Usage: tools/butane-demo-model.sh [--fresh]     DRIFT_BUILD_DIR: the build (default build/)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${DRIFT_BUILD_DIR:-$ROOT/build}"
FRESH=0
for arg in "$@"; do
  case "$arg" in
    --fresh) FRESH=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "butane-demo-model: unknown option '$arg' (known: --fresh)" >&2; exit 2 ;;
  esac
done
for tool in plugin/lmp_drift tools/drift-train tools/drift-compare tools/drift-frames; do
  [ -x "$BUILD/$tool" ] || { echo "butane-demo-model: $BUILD/$tool not built (bash tools/run-tests.sh builds everything)" >&2; exit 2; }
done
OUT="$ROOT/out/butane-demo"
VARIANT=demo-fi-dist-std-tor-energy
mkdir -p "$OUT/md" "$OUT/models"
MPIRUN=(mpirun --oversubscribe -np 2)
[ "$(id -u)" -eq 0 ] && MPIRUN=(mpirun --allow-run-as-root --oversubscribe -np 2)

# md <name> <in.md variables...>: LAMMPS in a scratch folder, moved into place when complete.
md() {
  local name="$1"; shift
  if [ "$FRESH" -eq 0 ] && [ -f "$OUT/md/$name.dump" ]; then echo "  $name: cached ($OUT/md/$name.dump)"; return; fi
  local scratch; scratch="$(mktemp -d "$OUT/md/.run-$name.XXXXXX")"
  (cd "$scratch" && nice "${MPIRUN[@]}" "$BUILD/plugin/lmp_drift" -in "$ROOT/examples/in.md" -var dir "$ROOT/examples/butane" \
     -var data butane.data -var out "$name" "$@" -log "$name.log" -screen none) \
    || { echo "butane-demo-model: LAMMPS failed for $name (log: $scratch/$name.log)" >&2; exit 1; }
  mv "$scratch/$name.dump" "$scratch/$name.log" "$OUT/md/" && rm -rf "$scratch"
}
echo "== MD (short: a demonstration model's data)"
md biased-300K -var T 300 -var seed 20263 -var nx 10 -var ny 10 -var nz 1 -var equil 40000 -var nframes 30 -var every 1000
md reference -var T 500 -var seed 20261 -var nx 10 -var ny 10 -var nz 2 -var equil 20000 -var nframes 30 -var every 1000

echo "== training ($VARIANT)"
nice "$BUILD/tools/drift-train" "$ROOT/examples/butane/train/$VARIANT.yaml" > "$OUT/models/$VARIANT.manifest"

echo "== card (tools/ship-models.sh)"
DRIFT_STUDY_OUT="$OUT" DRIFT_MADE_BY="tools/butane-demo-model.sh" bash "$ROOT/tools/ship-models.sh" --molecule butane "$VARIANT"
# The card says what the model is for, right under its name (tests/fix/model_cards.sh reads only
# the keys it checks).
card="${DRIFT_POTENTIALS:-$ROOT/potentials}/butane-$VARIANT.yaml"
status="status: demonstration model for examples/mixture, not a study result (short MD and training: tools/butane-demo-model.sh; the full recipe: tools/study.sh butane)"
awk -v s="$status" '{ print } /^model:/ { print s }' "$card" > "$card.tmp.$$" && mv "$card.tmp.$$" "$card"
echo "wrote $card"
