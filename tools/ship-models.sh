#!/usr/bin/env bash
# Ships trained generators of one molecule into potentials/ with a model card each:
#   potentials/MOLECULE-<variant>.pt    the model (copied from out/MOLECULE-study/models/<variant>.pt)
#   potentials/MOLECULE-<variant>.yaml  data, method, parameters, metrics of 10000 samples drawn by
#                                       fix drift/boltzmann against the reference MD, and the check
#                                       that tests/fix/model_cards.sh reproduces
#   potentials/MOLECULE-reference-<T>K.xyz  at least 1000 reference conformations (1000 effective ones,
#                                       with their weights, for a reweighted biased reference), frames
#                                       spread over the reference run: the cards' checks need no MD
# Run after tools/study.sh MOLECULE (which trains the generators of examples/MOLECULE/train/).
# Usage: tools/ship-models.sh [--molecule MOLECULE] variant ...   (default molecule: ethanol)
#   e.g. tools/ship-models.sh fi-dist fk-coord
#        tools/ship-models.sh --molecule alanine-dipeptide fi-dist-std-tor-energy
# Nothing in potentials/ changes unless every variant ships: models, cards and the reference subset
# are written to a scratch folder and moved in together at the end.
# DRIFT_STUDY_OUT (default out/MOLECULE-study) and DRIFT_POTENTIALS (default potentials/) move them;
# DRIFT_MADE_BY (default "tools/study.sh MOLECULE") is what the card says made the training data
# (tools/butane-demo-model.sh sets both for its short MD in out/butane-demo).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${DRIFT_BUILD_DIR:-$ROOT/build}"
MOLECULE=ethanol
if [ "${1:-}" = --molecule ]; then
  [ -n "${2:-}" ] || { echo "ship-models: --molecule needs a name (one of: $(cd "$ROOT/examples" && ls -d */ | tr -d / | tr '\n' ' '))" >&2; exit 2; }
  MOLECULE="$2"; shift 2
fi
[ $# -gt 0 ] || { sed -n '2,15p' "$0"; exit 2; }
EX="$ROOT/examples/$MOLECULE"
[ -f "$EX/study.conf" ] || { echo "ship-models: no $EX/study.conf: molecule '$MOLECULE' has no study (known: $(cd "$ROOT/examples" && ls -d */ | tr -d / | tr '\n' ' '))" >&2; exit 2; }
WINDOW_MD="" WINDOW_LABEL=""
# shellcheck source=/dev/null
source "$EX/study.conf"
OUT="${DRIFT_STUDY_OUT:-$ROOT/out/$MOLECULE-study}"
# The card names the files that made it: the study folder as given (relative to the repository
# when inside it), and the command that made the training data.
OUT_SHOWN="${OUT#"$ROOT"/}"
MADE_BY="${DRIFT_MADE_BY:-tools/study.sh $MOLECULE}"
POT="${DRIFT_POTENTIALS:-$ROOT/potentials}"
command -v python3 >/dev/null || { echo "ship-models: needs python3 to read the manifest inside the model (apt-get install python3)" >&2; exit 2; }
# The manifest drift-train stores inside the TorchScript archive (a zip): <archive>/extra/manifest.yaml.
read_manifest() {
  python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = [n for n in z.namelist() if n.endswith("/extra/manifest.yaml")]
if not names: sys.exit(sys.argv[1] + ": no extra/manifest.yaml inside: not a drift-train model")
sys.stdout.write(z.read(names[0]).decode())' "$1"
}
[ -f "$OUT/md/reference.dump" ] || { echo "ship-models: no reference MD $OUT/md/reference.dump (bash tools/study.sh $MOLECULE --md-only)" >&2; exit 1; }
for v in "$@"; do
  [ -f "$EX/train/$v.yaml" ] || { echo "ship-models: variant '$v' has no config $EX/train/$v.yaml (known: $(cd "$EX/train" && ls *.yaml | sed 's/\.yaml$//' | tr '\n' ' ')); nothing shipped" >&2; exit 1; }
  [ -f "$OUT/models/$v.pt" ] || { echo "ship-models: $OUT/models/$v.pt not found (bash tools/study.sh $MOLECULE --retrain, or drift-train $EX/train/$v.yaml); nothing shipped" >&2; exit 1; }
done
[ -d "$POT" ] || { echo "ship-models: no folder $POT to ship into" >&2; exit 2; }
MPIRUN=(mpirun --oversubscribe -np 2)
[ "$(id -u)" -eq 0 ] && MPIRUN=(mpirun --allow-run-as-root --oversubscribe -np 2)
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
REF_NAME="$MOLECULE-reference-${T_TARGET}K.xyz"
# Frames spread evenly over the run, enough of them for >= 1000 conformations.
molecules="$(awk '/^ITEM: NUMBER OF ATOMS/ { getline; n = $1 } /^ITEM: ATOMS/ { exit } END { print n }' "$OUT/md/reference.dump")"
permol="$(awk '$2 == "atoms" { print $1; exit }' "$EX/$DATA")"
molecules=$(( molecules / permol ))
nframes="$(grep -c '^ITEM: TIMESTEP' "$OUT/md/reference.dump")"
want=$(( (1000 + molecules - 1) / molecules ))
# A reweighted biased reference (drift-bias; study.conf MD_BIAS) needs 1000 effective conformations.
if [ -f "$OUT/md/reference.reweight" ]; then
  ess="$(sed -n 's/.*ESS\/n \([0-9.eE+-]*\).*/\1/p' "$OUT/md/reference.reweight" | head -1)"
  [ -n "$ess" ] && want="$(awk -v n="$molecules" -v e="$ess" 'BEGIN { w = 1000 / (e * n); print (w == int(w)) ? w : int(w) + 1 }')"
fi
if [ "$want" -gt "$nframes" ]; then
  echo "ship-models: warning: $OUT/md/reference.dump has $nframes frames of $molecules molecules, fewer than 1000 conformations; the subset takes them all" >&2
  want=$nframes
fi
stride=$(( nframes / want )); [ "$stride" -ge 1 ] || stride=1
"$BUILD/tools/drift-frames" -d "$EX/$DATA" "$OUT/md/reference.dump" "$WORK/$REF_NAME" --frames "$(( nframes - (want - 1) * stride )):$nframes" --stride "$stride"
row() { grep "^| $2 |" "$1" | head -1 | awk -F'|' -v c="$3" '{ gsub(/ /, "", $c); print $c }'; }
for v in "$@"; do
  model="$OUT/models/$v.pt"
  cp "$model" "$WORK/$MOLECULE-$v.pt"
  # The card's check: 2 batches of 1000 replicas, seed 2026, against the shipped reference subset.
  (cd "$WORK" && "${MPIRUN[@]}" "$BUILD/plugin/lmp_drift" -in "$EX/../in.sample" -var dir "$EX" -var data "$DATA" \
     -var model "$WORK/$MOLECULE-$v.pt" -var nx 10 -var batches 2 -var seed 2026 -var out check -log none -screen none)
  "$BUILD/tools/drift-compare" -q --no-plots -d "$EX/$DATA" "$WORK/$REF_NAME" "$WORK/check.xyz" \
    -l "$v" -o "$WORK/check-report" > "$WORK/check.md"
  # Metrics: 10 batches of 1000 against the full reference, with the Stein checks.
  (cd "$WORK" && "${MPIRUN[@]}" "$BUILD/plugin/lmp_drift" -in "$EX/../in.sample" -var dir "$EX" -var data "$DATA" \
     -var model "$WORK/$MOLECULE-$v.pt" -var nx 10 -var batches 10 -var seed 1 -var out full -log none -screen none)
  "$BUILD/tools/drift-compare" -q --no-plots -d "$EX/$DATA" "$OUT/md/reference.dump" "$WORK/full.xyz" -l "$v" \
    --forcefield "$EX/forcefield.lmp" --ksd-temperature "$T_TARGET" -o "$WORK/full-report" > "$WORK/full.md"
  manifest="$(read_manifest "$WORK/$MOLECULE-$v.pt")"
  conformations="$(awk '/^training_data:/ { on = 1 } on && /conformations:/ { print $2; exit }' <<< "$manifest")"
  data_path="$(sed -n 's/^data: *//p' "$EX/train/$v.yaml")"
  # The Stein checks' table (the well-population tables have +- entries too).
  ksd="$(sed -n '/^| ensemble | samples | KSD/,/^$/p' "$WORK/full.md" | grep "^| $v |" | head -1)"
  # The first backbone pair's Ramachandran table, when the molecule has one.
  rama="$(sed -n '/^| ensemble | JSD | W2 (rad)/,/^$/p' "$WORK/full.md" | grep "^| $v |" | head -1 || true)"
  {
    echo "# Model card: $MOLECULE-$v.pt (written by tools/ship-models.sh)"
    echo "model: $MOLECULE-$v.pt"
    echo "molecule: $TITLE (examples/$MOLECULE/$DATA and forcefield.lmp), $permol atoms, LAMMPS units real"
    echo "molecule_dir: examples/$MOLECULE"
    echo "molecule_data: $DATA"
    echo "reference: $REF_NAME"
    echo "config: examples/$MOLECULE/train/$v.yaml"
    echo "training_data: $(basename "$data_path" .dump), $conformations conformations ($MADE_BY, $OUT_SHOWN/md/$(basename "$data_path"))"
    echo "target_temperature_K: $T_TARGET"
    echo "$manifest" | grep -E '^(libtorch_version|trainer_version):'
    echo "manifest_method:  # the method block of the manifest inside the model"
    echo "$manifest" | sed -n '/^method:/,/^[a-z]/p' | grep -E '^  '
    echo "metrics:  # 10000 samples from fix drift/boltzmann (in.sample, seed 1) vs reference MD $T_TARGET K ($OUT_SHOWN/md/reference.dump)"
    echo "  valid@0.1: $(row "$WORK/full.md" "$v" 4)"
    echo "  valid@0.2: $(row "$WORK/full.md" "$v" 5)"
    echo "  bond_mae_angstrom: $(row "$WORK/full.md" "$v" 6)"
    echo "  hr_tvd: $(row "$WORK/full.md" "$v" 7)"
    echo "  pair_type_tvd: $(row "$WORK/full.md" "$v" 8)"
    echo "  torsion_jsd_label_free_max: $(row "$WORK/full.md" "$v" 9)  # pooled over equivalent atoms (docs/metrics.md)"
    echo "  torsion_jsd_labelled_max: $(row "$WORK/full.md" "$v" 10)"
    echo "  torsion_w1_label_free_max_degrees: $(row "$WORK/full.md" "$v" 11)"
    echo "  mean_energy_kcal_mol: $(row "$WORK/full.md" "$v" 12)  # reference $(sed -n 's/^Reference: .*<E> = \([-0-9.]*\).*/\1/p' "$WORK/full.md" | head -1)"
    echo "  energy_w1_kcal_mol: $(row "$WORK/full.md" "$v" 13)"
    echo "  energy_w2_kcal_mol: $(row "$WORK/full.md" "$v" 14)"
    echo "  energy_w2_kt: $(sed -n '/^| ensemble | E W1 (kT)/,/^$/p' "$WORK/full.md" | grep "^| $v |" | head -1 | awk -F'|' '{ gsub(/ /, "", $4); print $4 }')"
    if [ -n "$rama" ]; then
      echo "  ramachandran_jsd: $(echo "$rama" | awk -F'|' '{ gsub(/ /, "", $3); print $3 }')"
      echo "  ramachandran_torus_w2_radians: $(echo "$rama" | awk -F'|' '{ gsub(/ /, "", $4); print $4 }')"
    fi
    echo "  ksd2: \"$(echo "$ksd" | awk -F'|' '{ gsub(/^ +| +$/, "", $4); print $4 }')\""
    echo "  configurational_temperature_ratio: \"$(echo "$ksd" | awk -F'|' '{ gsub(/^ +| +$/, "", $5); print $5 }')\""
    echo "check:  # reproduced by tests/fix/model_cards.sh: in.sample, 10x10x10 replicas, vs $REF_NAME"
    echo "  seed: 2026"
    echo "  nx: 10"
    echo "  batches: 2"
    echo "  valid@0.2: $(row "$WORK/check.md" "$v" 5)"
    echo "  hr_tvd: $(row "$WORK/check.md" "$v" 7)"
  } > "$WORK/$MOLECULE-$v.yaml"
  # A table drift-compare did not print leaves an empty value: refuse such a card.
  empty="$(awk '/^metrics:/ { on = 1 } on && /^  [^ ]+: *("")? *(#.*)?$/ { print "line " NR ": " $0 }' "$WORK/$MOLECULE-$v.yaml")"
  [ -z "$empty" ] || { echo "ship-models: the card of $v has empty values (drift-compare tables in $WORK/full.md, $WORK/check.md); nothing shipped:" >&2; echo "$empty" >&2; exit 1; }
  cat "$WORK/$MOLECULE-$v.yaml"
done
# Each file lands whole: copied next to its place (same file system), then renamed.
install_into() { cp "$WORK/$1" "$POT/.$1.part" && mv -f "$POT/.$1.part" "$POT/$1"; }
install_into "$REF_NAME"
for v in "$@"; do
  install_into "$MOLECULE-$v.pt"
  install_into "$MOLECULE-$v.yaml"
  echo "shipped $POT/$MOLECULE-$v.pt"
done
