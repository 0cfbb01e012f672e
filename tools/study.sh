#!/usr/bin/env bash
# The study of one molecule, end to end (tools/study.sh MOLECULE [--fresh] [--retrain]):
#   setup (Debian packages, LAMMPS headers) -> build -> MD with LAMMPS (examples/in.md): a reference
#   at the target temperature, an independent set at the target (noise floor and model selection),
#   biased training data (colder; for some molecules also a short time window), a contiguous run of
#   many molecules for autocorrelation times -> convergence of the reference (first half against
#   second half, and against the independent set) -> generators (shipped potentials/MOLECULE-*.pt, or
#   trained here from examples/MOLECULE/train/*.yaml) -> 10000 samples of each from fix
#   drift/boltzmann inside LAMMPS (examples/in.sample) -> drift-compare report with label-free and
#   labelled torsions and the reference-free Stein checks -> MD cost (tau_int with standard errors,
#   same Langevin dynamics) and the speed-up of the fix over MD. --md-only stops after the MD (e.g. to
#   fill the cache on another machine first); DRIFT_NP sets the MPI ranks (default: every core).
# The molecule's settings (data file, temperatures, MD sizes, generators) are in
# examples/MOLECULE/study.conf. MD results are cached in out/MOLECULE-study/md and reused when inputs
# and settings match; --fresh reruns them. Output: out/MOLECULE-study/REPORT.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOLECULE="${1:-}"
usage() { sed -n '2,16p' "$0"; echo "Molecules: $(cd "$ROOT/examples" && ls -d */ | tr -d / | tr '\n' ' ')"; echo "Options: --fresh (rerun the MD), --retrain (train the generators here), --md-only (stop after the MD)"; }
case "$MOLECULE" in
  ""|-h|--help) usage; exit 0 ;;
esac
shift
EX="$ROOT/examples/$MOLECULE"
[ -f "$EX/study.conf" ] || { echo "study: no $EX/study.conf (molecules: $(cd "$ROOT/examples" && ls */study.conf | cut -d/ -f1 | tr '\n' ' '))" >&2; exit 2; }
FRESH=0 RETRAIN=0 MD_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --fresh) FRESH=1 ;;
    --retrain) RETRAIN=1 ;;
    --md-only) MD_ONLY=1 ;;
    *) echo "study: unknown option '$arg' (known: --fresh, --retrain, --md-only)" >&2; exit 2 ;;
  esac
done
# study.conf sets: TITLE DATA T_TARGET T_BIASED REFERENCE_MD INDEPENDENT_MD BIASED_MD WINDOW_MD WINDOW_LABEL
# ACF_MD ACF_EVERY GENERATORS CONVERGENCE_LIMITS INDEPENDENT_LIMITS (see examples/ethanol/study.conf).
# ACF_MD=reference takes the autocorrelation times from the reference run itself (frames ACF_EVERY
# steps apart): for a molecule whose slow modes need the reference's length anyway.
# MD_BIAS (optional) holds drift-bias restrain's torsion and terms, e.g. "--torsion phi --term 1.5:1:-80": the
# reference and the independent set then run with that bias and are reweighted to the unbiased ensemble
# (their dumps carry a weight column; docs/method.md, "A reference for a rare basin"). Their dynamics are
# biased, so ACF_MD must then be an unbiased run of its own.
WINDOW_MD="" WINDOW_LABEL="" MD_BIAS=""
# shellcheck source=/dev/null
source "$EX/study.conf"
OUT="${DRIFT_OUT:-$ROOT/out/$MOLECULE-study}"
if [ -n "$MD_BIAS" ] && [ "$ACF_MD" = reference ]; then
  echo "study: $EX/study.conf: with MD_BIAS the reference's dynamics are biased; give ACF_MD an unbiased run's settings" >&2
  exit 2
fi
BUILD="${DRIFT_BUILD_DIR:-$ROOT/build}"

T0=$(date +%s)
step() { printf '\n== [%4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }

step "setup"
bash "$ROOT/tools/setup.sh"

# The MD needs only Debian's lmp (and drift-bias for a biased reference).
if [ "$MD_ONLY" -eq 1 ] && [ -n "$MD_BIAS" ]; then
  step "build (drift-bias, for the biased reference)"
  mkdir -p "$BUILD"
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DLAMMPS_SOURCE_DIR="${LAMMPS_DRIFT_CACHE:-$ROOT/.cache}/lammps-src" >"$BUILD/study-configure.log" 2>&1 || { cat "$BUILD/study-configure.log"; exit 1; }
  cmake --build "$BUILD" -j"$(nproc)" --target drift-bias >"$BUILD/study-build.log" 2>&1 || { tail -40 "$BUILD/study-build.log"; exit 1; }
fi
if [ "$MD_ONLY" -eq 0 ]; then
  step "build"
  mkdir -p "$BUILD"
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DLAMMPS_SOURCE_DIR="${LAMMPS_DRIFT_CACHE:-$ROOT/.cache}/lammps-src" >"$BUILD/study-configure.log" 2>&1 || { cat "$BUILD/study-configure.log"; exit 1; }
  cmake --build "$BUILD" -j"$(nproc)" --target drift-compare drift-frames drift-torsion-acf drift-train lmp_drift drift-fix-bench drift-bias \
    >"$BUILD/study-build.log" 2>&1 \
    || { tail -40 "$BUILD/study-build.log"; exit 1; }
fi
BIN="$BUILD/tools"
DATA_FILE="$EX/$DATA"
FF="$EX/forcefield.lmp"
TT="${T_TARGET}K" TB="${T_BIASED}K"

NP="${DRIFT_NP:-$(nproc)}"
MPIRUN=(mpirun -np)
if [ "$(id -u)" -eq 0 ]; then MPIRUN=(mpirun --allow-run-as-root --oversubscribe -np); else MPIRUN=(mpirun --oversubscribe -np); fi
mkdir -p "$OUT/md"
INPUT_HASH="$(cat "$ROOT/examples/in.md" "$FF" "$DATA_FILE" | sha256sum | cut -c1-16)"

# run_md NAME NPROCS "VAR VALUE ..." [biased]: LAMMPS in a scratch folder, moved into place when complete.
# "biased": the run has MD_BIAS on every copy and its frames are reweighted to the unbiased ensemble.
run_md() {
  local name="$1" np="$2" settings="$3" biased="${4:-}"
  local stamp="$INPUT_HASH $settings"
  [ -n "$biased" ] && stamp+=" bias $MD_BIAS"
  if [ "$FRESH" -eq 0 ] && [ -f "$OUT/md/$name.dump" ] && [ "$(cat "$OUT/md/$name.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "  $name: cached ($OUT/md/$name.dump)"
    return
  fi
  local vars=() scratch words
  read -r -a words <<< "$settings"
  for ((k = 0; k < ${#words[@]}; k += 2)); do vars+=(-var "${words[k]}" "${words[k+1]}"); done
  scratch="$(mktemp -d "$OUT/md/.run-$name.XXXXXX")"
  local t=$(date +%s)
  if [ -n "$biased" ]; then
    # Copies of the molecule: in.md's nx ny nz (ny and nz default to nx).
    local nx ny nz
    nx="$(awk '{ for (k = 1; k < NF; k += 2) if ($k == "nx") print $(k + 1) }' <<< "$settings")"
    ny="$(awk -v d="$nx" '{ v = d; for (k = 1; k < NF; k += 2) if ($k == "ny") v = $(k + 1); print v }' <<< "$settings")"
    nz="$(awk -v d="$nx" '{ v = d; for (k = 1; k < NF; k += 2) if ($k == "nz") v = $(k + 1); print v }' <<< "$settings")"
    [ -n "$nx" ] || { echo "study: a biased run needs nx in its settings ($settings)" >&2; exit 2; }
    # shellcheck disable=SC2086
    "$BUILD/tools/drift-bias" restrain -d "$DATA_FILE" $MD_BIAS --copies $(( nx * ny * nz )) -o "$scratch/bias.lmp"
    vars+=(-var bias "$scratch/bias.lmp")
  fi
  if ! (cd "$scratch" && "${MPIRUN[@]}" "$np" lmp -in "$ROOT/examples/in.md" -var dir "$EX" -var data "$DATA" -var out "$name" \
          "${vars[@]}" -log "$name.log" -screen none); then
    echo "study: LAMMPS failed for $name; log: $scratch/$name.log" >&2
    tail -20 "$scratch/$name.log" >&2
    exit 1
  fi
  if [ -n "$biased" ]; then
    grep -q "^MD_BIAS applied" "$scratch/$name.log" || { echo "study: the bias was not applied in $name (log: $scratch/$name.log)" >&2; exit 1; }
    "$BUILD/tools/drift-bias" reweight -d "$DATA_FILE" --bias "$scratch/bias.lmp" --temperature "$T_TARGET" \
      "$scratch/$name.dump" "$scratch/$name.weighted.dump" 2>&1 | tee "$scratch/$name.reweight"
    mv "$scratch/$name.weighted.dump" "$scratch/$name.dump"
    mv "$scratch/bias.lmp" "$OUT/md/$name.bias.lmp"
    mv "$scratch/$name.reweight" "$OUT/md/$name.reweight"
  fi
  mv "$scratch/$name.dump" "$OUT/md/$name.dump"
  mv "$scratch/$name.log" "$OUT/md/$name.log"
  rm -rf "$scratch"
  echo "$stamp" > "$OUT/md/$name.stamp"
  echo "  $name: $(( $(date +%s) - t )) s ($(grep -c '^ITEM: TIMESTEP' "$OUT/md/$name.dump") frames)"
}
describe() { awk '{ for (k = 1; k < NF; k += 2) printf "%s%s %s", (k > 1 ? ", " : ""), $k, $(k + 1) }' <<< "$1"; }

# The training data first: generators can be trained while the long reference runs.
step "MD: biased training set at $TB ($(describe "$BIASED_MD"))"
run_md "biased-$TB" "$NP" "T $T_BIASED $BIASED_MD"
if [ -n "$WINDOW_MD" ]; then
  step "MD: biased time window at $TT ($(describe "$WINDOW_MD"))"
  run_md "window-$TT" 1 "T $T_TARGET $WINDOW_MD"
fi
step "MD: reference at $TT ($(describe "$REFERENCE_MD"))"
BIASED_RUN="${MD_BIAS:+biased}"
run_md reference "$NP" "T $T_TARGET $REFERENCE_MD" $BIASED_RUN
step "MD: independent $TT set, noise floor and model selection ($(describe "$INDEPENDENT_MD"))"
run_md "independent-$TT" "$NP" "T $T_TARGET $INDEPENDENT_MD" $BIASED_RUN
# A reweighted MD set is the ensemble its weights define: drift-compare --weights ensemble.
IND_WEIGHTS="-"; [ -n "$MD_BIAS" ] && IND_WEIGHTS="ensemble"
if [ "$ACF_MD" = reference ]; then
  ACF_DUMP="$OUT/md/reference.dump"
else
  step "MD: contiguous $TT run of many molecules for autocorrelation times ($(describe "$ACF_MD"))"
  run_md autocorrelation "$NP" "T $T_TARGET $ACF_MD"
  ACF_DUMP="$OUT/md/autocorrelation.dump"
fi
if [ "$MD_ONLY" -eq 1 ]; then step "done (--md-only): MD cached in $OUT/md"; exit 0; fi

step "convergence of the reference: first half against second half, and against the independent set"
nframes="$(grep -c '^ITEM: TIMESTEP' "$OUT/md/reference.dump")"
half=$(( nframes / 2 ))
"$BIN/drift-frames" -d "$DATA_FILE" "$OUT/md/reference.dump" "$OUT/md/reference-first-half.dump" --frames "1:$half"
"$BIN/drift-frames" -d "$DATA_FILE" "$OUT/md/reference.dump" "$OUT/md/reference-second-half.dump" --frames "$(( half + 1 )):$nframes"
# Two comparisons with their own limits: the halves (same size: tight limits) and the independent set
# against the whole reference (a smaller set: its sampling noise sets the limits).
set +e
"$BIN/drift-compare" -q -d "$DATA_FILE" "$OUT/md/reference-first-half.dump" "$OUT/md/reference-second-half.dump" \
  --weights "$IND_WEIGHTS" --reference-label "reference, frames 1-$half" -l "reference, frames $(( half + 1 ))-$nframes" \
  -o "$OUT/convergence" --no-plots "${CONVERGENCE_LIMITS[@]}" >/dev/null 2>"$OUT/convergence.checks"
CONVERGED=$?
"$BIN/drift-compare" -q -d "$DATA_FILE" "$OUT/md/reference.dump" "$OUT/md/independent-$TT.dump" --weights "$IND_WEIGHTS" \
  --reference-label "reference" -l "independent $TT set" -o "$OUT/convergence-independent" --no-plots \
  "${INDEPENDENT_LIMITS[@]}" >/dev/null 2>>"$OUT/convergence.checks"
CONVERGED=$(( CONVERGED + $? ))
set -e
cat "$OUT/convergence.checks"
if [ "$CONVERGED" -eq 0 ]; then CONVERGENCE_VERDICT="converged: every metric within its limit"; else
  CONVERGENCE_VERDICT="NOT converged: see the checks below"; fi

mkdir -p "$OUT/models" "$OUT/samples"
MODELS=() ORIGINS=() TO_TRAIN=()
for g in "${GENERATORS[@]}"; do
  shipped="$ROOT/potentials/$MOLECULE-$g.pt"
  if [ "$RETRAIN" -eq 0 ] && [ -f "$shipped" ]; then
    MODELS+=("$shipped"); ORIGINS+=("shipped")
  else
    [ -f "$EX/train/$g.yaml" ] || { echo "study: no $EX/train/$g.yaml to train generator $g" >&2; exit 1; }
    model="$(sed -n 's/^output: *//p' "$EX/train/$g.yaml")"
    model="$(cd "$EX/train" && realpath -m "$model")"
    if [ "$RETRAIN" -eq 1 ] || [ ! -f "$model" ]; then TO_TRAIN+=("$g"); fi
    MODELS+=("$model"); ORIGINS+=("trained here")
  fi
done
# Generators to train: DRIFT_TRAIN_JOBS at a time (default: the MPI ranks' count; each config sets its
# own LibTorch threads), each logging to out/MOLECULE-study/models/NAME.log.
if [ "${#TO_TRAIN[@]}" -gt 0 ]; then
  JOBS="${DRIFT_TRAIN_JOBS:-$NP}"
  step "training ${#TO_TRAIN[@]} generator(s) from the biased frames, $JOBS at a time: ${TO_TRAIN[*]}"
  declare -A PIDS=()
  for g in "${TO_TRAIN[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do sleep 2; done
    echo "  $g: training ($EX/train/$g.yaml; progress in $OUT/models/$g.log)"
    "$BIN/drift-train" "$EX/train/$g.yaml" > "$OUT/models/$g.manifest.yaml" 2> "$OUT/models/$g.log" &
    PIDS[$g]=$!
  done
  failed=0
  for g in "${TO_TRAIN[@]}"; do
    if wait "${PIDS[$g]}"; then echo "  $g: $(tail -1 "$OUT/models/$g.log")"
    else echo "study: training $g failed; log: $OUT/models/$g.log" >&2; tail -5 "$OUT/models/$g.log" >&2; failed=1; fi
  done
  [ "$failed" -eq 0 ] || exit 1
fi
step "generators: $(for k in "${!GENERATORS[@]}"; do printf '%s (%s) ' "${GENERATORS[$k]}" "${ORIGINS[$k]}"; done)"

step "samples: fix drift/boltzmann inside LAMMPS, 10 batches x 1000 replicas per generator, $NP MPI ranks"
NATOMS="$(awk '$2 == "atoms" { print $1; exit }' "$DATA_FILE")"
for k in "${!GENERATORS[@]}"; do
  g="${GENERATORS[$k]}"
  t=$(date +%s)
  (cd "$OUT/samples" && "${MPIRUN[@]}" "$NP" "$BUILD/plugin/lmp_drift" -in "$ROOT/examples/in.sample" -var dir "$EX" \
     -var data "$DATA" -var model "${MODELS[$k]}" -var batches 10 -var seed 2026 -var reweight yes -var out "$g" -log "$g.log" -screen none) \
    || { echo "study: lmp_drift failed for $g; log: $OUT/samples/$g.log" >&2; tail -20 "$OUT/samples/$g.log" >&2; exit 1; }
  echo "  $g: $(grep -c "^$NATOMS\$" "$OUT/samples/$g.xyz") samples with LAMMPS energies in $(( $(date +%s) - t )) s ($OUT/samples/$g.xyz)"
done

# The fix's own reference-free checks, batch by batch (thermo columns of in.sample: f[7] T_conf/T,
# f[8] KSD^2, f[9] its SE, f[10] ESS/n of the batch's Stein weights, f[11] weighted T_conf/T):
# mean and range over the batches.
IN_RUN="| generator | batches | KSD^2 (mean [min, max]) | mean SE of a batch | T_conf/T (mean [min, max]) | reweight: ESS/n (mean [min, max]) | weighted T_conf/T (mean [min, max]) |
|---|---|---|---|---|---|---|"
for g in "${GENERATORS[@]}"; do
  IN_RUN+=$'\n'"$(awk -v g="$g" '$1 == "Step" { on = 1; next } /^Loop time/ { on = 0 }
    on && $1 > 0 && NF >= 12 { n++; t += $8; k += $9; s += $10; e += $11; w += $12
      if (n == 1 || $8 < tl) tl = $8; if (n == 1 || $8 > th) th = $8
      if (n == 1 || $9 < kl) kl = $9; if (n == 1 || $9 > kh) kh = $9
      if (n == 1 || $11 < el) el = $11; if (n == 1 || $11 > eh) eh = $11
      if (n == 1 || $12 < wl) wl = $12; if (n == 1 || $12 > wh) wh = $12 }
    END { printf "| %s | %d | %.3f [%.3f, %.3f] | %.3f | %.2f [%.2f, %.2f] | %.2f [%.2f, %.2f] | %.2f [%.2f, %.2f] |",
                 g, n, k / n, kl, kh, s / n, t / n, tl, th, e / n, el, eh, w / n, wl, wh }' \
    "$OUT/samples/$g.log")"
done

step "compare: independent $TT, biased sets and the generators against the reference (with Stein checks)"
INPUTS=("$OUT/md/independent-$TT.dump" "$OUT/md/biased-$TB.dump") LABELS=(-l "independent MD $TT (noise floor)" -l "biased: MD $TB")
WEIGHTS=(--weights "$IND_WEIGHTS" -)
if [ -n "$WINDOW_MD" ]; then INPUTS+=("$OUT/md/window-$TT.dump"); LABELS+=(-l "biased: $WINDOW_LABEL"); WEIGHTS+=(-); fi
for g in "${GENERATORS[@]}"; do INPUTS+=("$OUT/samples/$g.xyz"); LABELS+=(-l "generator $g (fix drift/boltzmann)"); WEIGHTS+=(-); done
"$BIN/drift-compare" -d "$DATA_FILE" "$OUT/md/reference.dump" "${INPUTS[@]}" --reference-label "reference MD $TT" "${LABELS[@]}" "${WEIGHTS[@]}" \
  --forcefield "$FF" --ksd-temperature "$T_TARGET" --ksd-samples 10000 --stein-weights -o "$OUT/report" >/dev/null

step "compare: the first generator's samples under the other weightings (kernel QP; the fix's own reweight yes)"
G0="${GENERATORS[0]}"
"$BIN/drift-compare" -d "$DATA_FILE" "$OUT/md/reference.dump" "$OUT/samples/$G0.xyz" "$OUT/samples/$G0.xyz" \
  --reference-label "reference MD $TT" -l "generator $G0" -l "generator $G0 (fix)" --weights - frames \
  --forcefield "$FF" --ksd-temperature "$T_TARGET" --ksd-samples 10000 --stein-weights --stein-method kernel --no-plots \
  -o "$OUT/report-weightings" >/dev/null

step "MD cost: integrated autocorrelation times with standard errors (same Langevin dynamics)"
"$BIN/drift-torsion-acf" -d "$DATA_FILE" "$ACF_DUMP" --steps-per-frame "$ACF_EVERY" \
  --json "$OUT/autocorrelation.json" | tee "$OUT/autocorrelation.txt"
# slowest KIND FIELD: from the "slowest" block of the JSON (kind label-free or labelled).
slowest() { awk -v kind="\"$1\": {" -v field="\"$2\":" '
    index($0, kind) { on = 1 } on && index($0, field) { v = $0; sub(/^[^:]*: */, "", v); sub(/,$/, "", v); gsub(/"/, "", v); print v; exit }' \
    "$OUT/autocorrelation.json"; }
TAU_FREE="$(slowest label-free tau_steps)" SE_FREE="$(slowest label-free standard_error_steps)" NAME_FREE="$(slowest label-free name)"
TAU_LAB="$(slowest labelled tau_steps)" SE_LAB="$(slowest labelled standard_error_steps)" NAME_LAB="$(slowest labelled name)"
# Observables slower than the run resolves (label-free): name and lower bound of tau, the largest bound first.
UNRESOLVED="$(awk '/"unresolved": \[/ { on = 1 } on && /^  \]/ { on = 0 }
    on && /"kind": "label-free"/ { free = 1 } on && /"kind": "labelled"/ { free = 0 }
    on && free && /"name":/ { n = $0; sub(/^[^:]*: *"/, "", n); sub(/",?$/, "", n) }
    on && free && /"tau_lower_bound_steps":/ { v = $0; sub(/^[^:]*: */, "", v); sub(/,$/, "", v); print v "\t" n }' \
    "$OUT/autocorrelation.json" | sort -g -r)"

step "speed-up: fix drift/boltzmann samples/s against MD independent samples/s, $NP MPI ranks"
"${MPIRUN[@]}" "$NP" "$BUILD/tools/drift-fix-bench" --model "${MODELS[0]}" --data "$DATA_FILE" --forcefield "$FF" \
  --temperature "$T_TARGET" --replicas 1024,8192 > "$OUT/fix-bench.txt"
cat "$OUT/fix-bench.txt"
# MD of the same box with the study's Langevin settings, measured by the bench right after the fix:
# molecule-steps/s / tau_int; the ratio's error is the relative error of tau.
SPEEDUP="$(awk -F'|' -v tf="$TAU_FREE" -v sf="$SE_FREE" -v tl="$TAU_LAB" -v sl="$SE_LAB" 'BEGIN {
    printf "| replicas | fix samples/s (no energy) | fix samples/s (with LAMMPS energy) | MD molecule-steps/s (Langevin) | speed-up, slowest label-free observable | speed-up, labelled rotor |\n|---|---|---|---|---|---|\n" }
  /^\| [0-9]/ { f = $4 * tf / $7; l = $4 * tl / $7
    printf "| %d | %.0f | %.0f | %.0f | %.0fx +- %.0f | %.0fx +- %.0f |\n", $2, $4, $5, $7, f, f * sf / tf, l, l * sl / tl }' \
  "$OUT/fix-bench.txt")"
# The rare basin (peptides): MD's mean first-passage time into it against the fix's rate of samples in it.
rare() { awk -v field="\"$1\":" '/"rare_basin": \{/ { on = 1 } on && /^  \}/ { on = 0 }
    on && index($0, field) { v = $0; sub(/^[^:]*: */, "", v); sub(/,$/, "", v); gsub(/"/, "", v); print v; exit }' "$OUT/autocorrelation.json"; }
RARE_BASIN="$(rare basin)"
if [ -n "$RARE_BASIN" ]; then
  # The basin's population is the reference's (weighted when the reference is a biased run: the
  # unbiased autocorrelation run need not have converged it).
  RARE_P="$(python3 - "$OUT/report/metrics.json" "$RARE_BASIN" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1]))["comparisons"][0].get("ramachandran", [{}])[0].get("basins", []):
    if b["name"] == sys.argv[2]:
        print(b["reference"])
PY
)"
  [ -n "$RARE_P" ] || RARE_P="$(rare population)"
  RARE_MFPT="$(rare mean_first_passage_steps)" RARE_SE="$(rare standard_error_steps)"
  RARE_N="$(rare entries)" RARE_VISIT="$(rare mean_visit_steps)"
  RARE_MFPT="${RARE_MFPT/null/nan}" RARE_SE="${RARE_SE/null/nan}" RARE_VISIT="${RARE_VISIT/null/nan}"
  SPEEDUP+=$'\n\n'"The rarest basin, $RARE_BASIN (population $(printf '%.4f' "$RARE_P") in the reference): MD enters it on average after"
  SPEEDUP+=" $(printf '%.0f' "$RARE_MFPT") +- $(printf '%.0f' "$RARE_SE") steps outside it ($RARE_N entries; a visit lasts $(printf '%.0f' "$RARE_VISIT") steps),"
  # Each entry is one independent visit: MD's rate of them is molecule-steps/s / (first passage + visit).
  SPEEDUP+=$'\n'"$(awk -F'|' -v p="$RARE_P" -v m="$RARE_MFPT" -v s="$RARE_SE" -v v="$RARE_VISIT" '/^\| [0-9]/ {
      md = $7 / (m + v); fix = $4 * p
      printf "i.e. %.3g new entries per second of MD on these cores; a generator with the reference'"'"'s population there would draw %.0f samples in it per second with the fix (%d replicas): %.0fx +- %.0f. What the generators put there is in the Ramachandran table above.", md, fix, $2, fix / md, fix / md * (s + 0) / (m + v); exit }' "$OUT/fix-bench.txt")"
fi
if [ -n "$UNRESOLVED" ]; then
  # Slower observables than the run resolves: the speed-up on them is at least the bound's.
  SPEEDUP+=$'\n\n'"Label-free observables whose tau_int this run cannot resolve (Sokal's window exceeds half the run), with the"
  SPEEDUP+=$'\n'"speed-up their lower bound on tau implies (first replica count):"$'\n\n'"| observable | tau_int (steps) | speed-up |"$'\n'"|---|---|---|"
  while IFS=$'\t' read -r bound name; do
    SPEEDUP+=$'\n'"$(awk -F'|' -v b="$bound" -v n="$name" '/^\| [0-9]/ { printf "| %s | > %.0f | > %.0fx |", n, b, $4 * b / $7; exit }' "$OUT/fix-bench.txt")"
  done <<< "$UNRESOLVED"
fi
echo "$SPEEDUP"

step "report"
{
  echo "# $TITLE: study (LAMMPS $(lmp -h | sed -n 's/^Large-scale Atomic\/Molecular Massively Parallel Simulator - \(.*\)$/\1/p' | head -1))"
  echo
  echo "Regenerate: \`bash tools/study.sh $MOLECULE\` (add \`--fresh\` to rerun the MD, \`--retrain\` to train the generators)."
  echo
  echo "## Ensembles against the reference MD"
  echo
  echo "Generators: $(for k in "${!GENERATORS[@]}"; do printf '%s (%s), ' "${GENERATORS[$k]}" "${ORIGINS[$k]}"; done)10000 samples each from"
  echo "\`fix drift/boltzmann\` inside LAMMPS (examples/in.sample), energies from the same force field."
  echo
  sed -n '3,$p' "$OUT/report/report.md" | sed '/^## Plots/,$d'
  echo
  echo "The fix's own Stein checks during the sampling run (\`ksd 1000\`: every batch of 1000 replicas, forces from"
  echo "LAMMPS, metric from the model's manifest; 0 and 1 for Boltzmann samples):"
  echo
  echo "$IN_RUN"
  echo
  echo "Rows marked \"Stein moment weights\" are the ensemble above them weighted by drift-compare --stein-weights"
  echo "(the first 10000 conformations, forces and energies from LAMMPS, target $T_TARGET; docs/method.md): no generator"
  echo "likelihood and no reference are used. For the biased MD sets this reweights MD at $TB to $T_TARGET."
  echo "The fix's own weights (\`reweight yes\`: batches of 1000, no Laplacian identities) are in its log and in the"
  echo "samples' weight= keys (\`drift-compare --weights frames\`)."
  echo
  echo "The first generator's samples weighted by the kernel QP (black-box importance sampling, \`--stein-method"
  echo "kernel\`) and by the fix's own weights (\`reweight yes\`, read back with \`--weights frames\`):"
  echo
  sed -n '/^| ensemble | samples | valid/,/^$/p' "$OUT/report-weightings/report.md"
  sed -n '/^| ensemble | samples | KSD/,/^$/p' "$OUT/report-weightings/report.md"
  sed -n '/^| ensemble | method/,/^$/p' "$OUT/report-weightings/report.md"
  echo
  echo "Plots: $(ls "$OUT/report"/*.png | xargs -n1 basename | sed 's|^|report/|' | tr '\n' ' ')"
  echo
  echo "## Convergence of the reference ($CONVERGENCE_VERDICT)"
  echo
  sed -n '3,$p' "$OUT/convergence/report.md" | sed '/^Per pair type/,$d'
  echo
  sed -n '3,$p' "$OUT/convergence-independent/report.md" | sed '/^Per pair type/,$d'
  echo
  echo '```'
  cat "$OUT/convergence.checks"
  echo '```'
  echo
  echo "## Speed-up of fix drift/boltzmann over MD (same machine, same force field, $NP MPI ranks)"
  echo
  echo "$SPEEDUP"
  echo
  echo "MD independent samples/s = the bench's MD molecule-steps/s (the same box, Langevin with the study's settings,"
  echo "measured right after the fix) divided by an integrated autocorrelation time: of the slowest label-free observable"
  echo "($NAME_FREE: $(printf '%.0f' "$TAU_FREE") +- $(printf '%.0f' "$SE_FREE") steps) or, for comparison, of the slowest labelled one"
  echo "($NAME_LAB: $(printf '%.0f' "$TAU_LAB") +- $(printf '%.0f' "$SE_LAB") steps; for a rotor of identical atoms it measures them trading"
  echo "places, which no physical observable sees). Errors: the standard error of tau (jackknife over molecules)."
  echo "Fix: one batched forward pass per step for every replica, placement included (drift-fix-bench, model ${GENERATORS[0]})."
  echo
  echo '```'
  cat "$OUT/fix-bench.txt"
  echo '```'
  echo
  if [ "$ACF_MD" = reference ]; then ACF_DESCRIPTION="the reference run, a frame every $ACF_EVERY steps"; else ACF_DESCRIPTION="$(describe "$ACF_MD")"; fi
  echo "## MD cost: integrated autocorrelation times ($ACF_DESCRIPTION, Langevin at $TT)"
  echo
  cat "$OUT/autocorrelation.txt"
} > "$OUT/REPORT.md.tmp"
mv "$OUT/REPORT.md.tmp" "$OUT/REPORT.md"
step "done: $OUT/REPORT.md"
