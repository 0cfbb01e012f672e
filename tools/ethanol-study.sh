#!/usr/bin/env bash
# The main job: the ethanol study end to end.
#   setup (Debian packages, LAMMPS headers) -> build -> OPLS-AA ethanol MD with LAMMPS
#   (reference 500 K, an independent 500 K set, biased 300 K and time-window sets, a
#   contiguous run for autocorrelation) -> convergence check of the reference -> generators
#   (the shipped potentials/, or trained here with --retrain) -> 10000 samples of each from
#   fix drift/boltzmann inside LAMMPS (lmp_drift) -> drift-compare report with reference-free
#   Stein checks (Markdown, JSON, PNG) -> MD throughput and the speed-up of the fix over MD.
# MD results are cached in out/ethanol-study/md and reused when inputs and settings match;
# --fresh reruns them. Output: out/ethanol-study/REPORT.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${DRIFT_OUT:-$ROOT/out/ethanol-study}"
BUILD="${DRIFT_BUILD_DIR:-$ROOT/build}"
EX="$ROOT/examples/ethanol"
FRESH=0 RETRAIN=0
for arg in "$@"; do
  case "$arg" in
    --fresh) FRESH=1 ;;
    --retrain) RETRAIN=1 ;;
    -h|--help) sed -n '2,11p' "$0"; echo "Options: --fresh (rerun the MD), --retrain (train the four generators here, 5-9 min each, ~27 min in all)"; exit 0 ;;
    *) echo "ethanol-study: unknown option '$arg' (known: --fresh, --retrain)" >&2; exit 2 ;;
  esac
done
# The generators of the study: the best force-guided models of each representation (distance space
# with the standardised group: FK best energies, FI best structure, both worse methyl torsion; raw distances;
# coordinates).
GENERATORS=(fk-dist-std fi-dist-std fi-dist fk-coord)

T0=$(date +%s)
step() { printf '\n== [%4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }

step "setup"
bash "$ROOT/tools/setup.sh"

step "build"
mkdir -p "$BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$BUILD/study-configure.log" 2>&1 || { cat "$BUILD/study-configure.log"; exit 1; }
cmake --build "$BUILD" -j"$(nproc)" --target drift-compare drift-frames drift-torsion-acf drift-train lmp_drift drift-fix-bench \
  >"$BUILD/study-build.log" 2>&1 \
  || { tail -40 "$BUILD/study-build.log"; exit 1; }
BIN="$BUILD/tools"
DATA="$EX/ethanol.data"

NP="$(nproc)"
MPIRUN=(mpirun -np)
if [ "$(id -u)" -eq 0 ]; then MPIRUN=(mpirun --allow-run-as-root --oversubscribe -np); else MPIRUN=(mpirun --oversubscribe -np); fi
mkdir -p "$OUT/md"
INPUT_HASH="$(cat "$EX/in.md" "$EX/forcefield.lmp" "$EX/ethanol.data" | sha256sum | cut -c1-16)"

# run_md NAME NPROCS VAR VALUE ...: LAMMPS in a scratch folder, moved into place when complete.
run_md() {
  local name="$1" np="$2"; shift 2
  local stamp="$INPUT_HASH $*"
  if [ "$FRESH" -eq 0 ] && [ -f "$OUT/md/$name.dump" ] && [ "$(cat "$OUT/md/$name.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "  $name: cached ($OUT/md/$name.dump)"
    return
  fi
  local vars=() scratch
  while [ $# -gt 0 ]; do vars+=(-var "$1" "$2"); shift 2; done
  scratch="$(mktemp -d "$OUT/md/.run-$name.XXXXXX")"
  local t=$(date +%s)
  if ! (cd "$scratch" && "${MPIRUN[@]}" "$np" lmp -in "$EX/in.md" -var dir "$EX" -var out "$name" "${vars[@]}" \
          -log "$name.log" -screen none); then
    echo "ethanol-study: LAMMPS failed for $name; log: $scratch/$name.log" >&2
    tail -20 "$scratch/$name.log" >&2
    exit 1
  fi
  mv "$scratch/$name.dump" "$OUT/md/$name.dump"
  mv "$scratch/$name.log" "$OUT/md/$name.log"
  rm -rf "$scratch"
  echo "$stamp" > "$OUT/md/$name.stamp"
  echo "  $name: $(( $(date +%s) - t )) s ($(grep -c '^ITEM: TIMESTEP' "$OUT/md/$name.dump") frames)"
}

step "MD: reference, 1000 molecules at 500 K, 100 frames 1000 steps apart after 10000 steps at 800 K and 40000 at 500 K"
run_md reference "$NP" T 500 seed 4928459 nx 10 equil 40000 nframes 100 every 1000
step "MD: independent 500 K set (noise floor), 300 molecules x 10 frames"
run_md independent-500K "$NP" T 500 seed 7211 nx 10 ny 10 nz 3 equil 40000 nframes 10 every 1000
step "MD: biased set at 300 K, 300 molecules x 10 frames"
run_md biased-300K "$NP" T 300 seed 12345 nx 10 ny 10 nz 3 equil 40000 nframes 10 every 1000
step "MD: biased time window at 500 K, one molecule, 3000 contiguous steps"
run_md window-500K 1 T 500 seed 999 nx 1 equil 40000 nframes 3000 every 1
step "MD: contiguous 500 K run for torsion autocorrelation, 8 molecules, 400000 steps"
run_md autocorrelation 1 T 500 seed 31337 nx 2 equil 40000 nframes 8000 every 50
step "MD: single-molecule throughput, 1 core"
run_md single-molecule 1 T 500 seed 5 nx 1 equil 200000 nframes 2 every 1000

step "convergence of the reference: first half vs second half (limits in the table below)"
"$BIN/drift-frames" -d "$DATA" "$OUT/md/reference.dump" "$OUT/md/reference-first-half.dump" --frames 1:50
"$BIN/drift-frames" -d "$DATA" "$OUT/md/reference.dump" "$OUT/md/reference-second-half.dump" --frames 51:100
CONVERGENCE_LIMITS=(--max hr_tvd=0.01 --max pair_type_tvd=0.015 --max bond_mae=0.001 --max torsion_jsd=0.003
                    --max energy_w1=0.1 --max energy_mean_diff=0.1 --max invalid@0.2=0.001)
set +e
"$BIN/drift-compare" -q -d "$DATA" "$OUT/md/reference-first-half.dump" "$OUT/md/reference-second-half.dump" \
  --reference-label "reference, frames 1-50" -l "reference, frames 51-100" -o "$OUT/convergence" --no-plots \
  "${CONVERGENCE_LIMITS[@]}" >/dev/null 2>"$OUT/convergence.checks"
CONVERGED=$?
set -e
cat "$OUT/convergence.checks"
if [ "$CONVERGED" -eq 0 ]; then CONVERGENCE_VERDICT="converged: every metric within its limit"; else
  CONVERGENCE_VERDICT="NOT converged: see the checks below"; fi

step "generators: ${GENERATORS[*]} ($([ "$RETRAIN" -eq 1 ] && echo "training here from the biased 300 K frames" || echo "shipped in potentials/; --retrain trains them"))"
mkdir -p "$OUT/models" "$OUT/samples"
MODELS=()
for g in "${GENERATORS[@]}"; do
  if [ "$RETRAIN" -eq 1 ]; then
    "$BIN/drift-train" "$EX/train/$g.yaml" > "$OUT/models/$g.manifest.yaml"
    MODELS+=("$OUT/models/$g.pt")
  else
    MODELS+=("$ROOT/potentials/ethanol-$g.pt")
  fi
  echo "  $g: ${MODELS[-1]}"
done

step "samples: fix drift/boltzmann inside LAMMPS, 10 batches x 1000 replicas per generator, $NP MPI ranks"
for k in "${!GENERATORS[@]}"; do
  g="${GENERATORS[$k]}"
  t=$(date +%s)
  (cd "$OUT/samples" && "${MPIRUN[@]}" "$NP" "$BUILD/plugin/lmp_drift" -in "$EX/in.sample" -var dir "$EX" \
     -var model "${MODELS[$k]}" -var batches 10 -var seed 2026 -var out "$g" -log "$g.log" -screen none) \
    || { echo "ethanol-study: lmp_drift failed for $g; log: $OUT/samples/$g.log" >&2; tail -20 "$OUT/samples/$g.log" >&2; exit 1; }
  echo "  $g: $(grep -c '^9$' "$OUT/samples/$g.xyz") samples with LAMMPS energies in $(( $(date +%s) - t )) s ($OUT/samples/$g.xyz)"
done

# The fix's own reference-free checks, batch by batch (thermo columns of in.sample: f[7] T_conf/T,
# f[8] KSD^2, f[9] its SE): mean and range over the batches.
IN_RUN="| generator | batches | KSD^2 (mean [min, max]) | mean SE of a batch | T_conf/T (mean [min, max]) |
|---|---|---|---|---|"
for g in "${GENERATORS[@]}"; do
  IN_RUN+=$'\n'"$(awk -v g="$g" '$1 == "Step" { on = 1; next } /^Loop time/ { on = 0 }
    on && $1 > 0 && NF >= 10 { n++; t += $8; k += $9; s += $10
      if (n == 1 || $8 < tl) tl = $8; if (n == 1 || $8 > th) th = $8
      if (n == 1 || $9 < kl) kl = $9; if (n == 1 || $9 > kh) kh = $9 }
    END { printf "| %s | %d | %.3f [%.3f, %.3f] | %.3f | %.2f [%.2f, %.2f] |", g, n, k / n, kl, kh, s / n, t / n, tl, th }' \
    "$OUT/samples/$g.log")"
done

step "compare: independent 500 K, biased sets and the generators against the reference (with Stein checks)"
GEN_FILES=() GEN_LABELS=()
for g in "${GENERATORS[@]}"; do GEN_FILES+=("$OUT/samples/$g.xyz"); GEN_LABELS+=(-l "generator $g (fix drift/boltzmann)"); done
"$BIN/drift-compare" -d "$DATA" "$OUT/md/reference.dump" "$OUT/md/independent-500K.dump" "$OUT/md/biased-300K.dump" \
  "$OUT/md/window-500K.dump" "${GEN_FILES[@]}" --reference-label "reference MD 500 K" \
  -l "independent MD 500 K (noise floor)" -l "biased: MD 300 K" -l "biased: 1.5 ps window at 500 K" "${GEN_LABELS[@]}" \
  --forcefield "$EX/forcefield.lmp" --ksd-temperature 500 -o "$OUT/report" >/dev/null

step "MD throughput and torsion autocorrelation"
"$BIN/drift-torsion-acf" -d "$DATA" "$OUT/md/autocorrelation.dump" --steps-per-frame 50 --json "$OUT/autocorrelation.json" \
  | tee "$OUT/autocorrelation.txt"
TAU="$(sed -n 's/.*"slowest_tau_steps": \([0-9.]*\).*/\1/p' "$OUT/autocorrelation.json")"
perf() { grep 'timesteps/s' "$OUT/md/$1.log" | sed -n "${2}p" | sed 's/.* \([0-9.]*\) timesteps\/s.*/\1/'; }
BOX_STEPS="$(perf reference 3)"
ONE_STEPS="$(perf single-molecule 3)"
THROUGHPUT="$(awk -v box="$BOX_STEPS" -v one="$ONE_STEPS" -v tau="$TAU" -v np="$NP" 'BEGIN {
  printf "| system | cores | MD steps/s | molecule-steps/s | slowest torsion tau_int (steps) | independent samples/s |\n";
  printf "|---|---|---|---|---|---|\n";
  printf "| 1 ethanol | 1 | %.0f | %.0f | %.0f | %.1f |\n", one, one, tau, one / tau;
  printf "| 1000 ethanol copies | %d | %.0f | %.0f | %.0f | %.1f |\n", np, box, box * 1000, tau, box * 1000 / tau; }')"
echo "$THROUGHPUT"

step "speed-up: fix drift/boltzmann samples/s vs MD independent samples/s, $NP MPI ranks"
"${MPIRUN[@]}" "$NP" "$BUILD/tools/drift-fix-bench" --model "${MODELS[0]}" --replicas 1024,8192 > "$OUT/fix-bench.txt"
cat "$OUT/fix-bench.txt"
# MD of the same box, measured by the bench right after the fix: molecule-steps/s / tau_int.
SPEEDUP="$(awk -F'|' -v tau="$TAU" 'BEGIN {
    printf "| replicas | fix samples/s (no energy) | fix samples/s (with LAMMPS energy) | MD independent samples/s | speed-up (no energy) | speed-up (with energy) |\n|---|---|---|---|---|---|\n" }
  /^\| [0-9]/ { md = $7 / tau; printf "| %d | %.0f | %.0f | %.1f | %.0fx | %.0fx |\n", $2, $4, $5, md, $4 / md, $5 / md }' "$OUT/fix-bench.txt")"
echo "$SPEEDUP"

step "report"
{
  echo "# Ethanol reference study (OPLS-AA, LAMMPS $(lmp -h | sed -n 's/^Large-scale Atomic\/Molecular Massively Parallel Simulator - \(.*\)$/\1/p' | head -1))"
  echo
  echo "Regenerate: \`bash tools/ethanol-study.sh\` (add \`--fresh\` to rerun the MD)."
  echo
  echo "## Ensembles against the reference MD"
  echo
  echo "Generators: ${GENERATORS[*]} ($([ "$RETRAIN" -eq 1 ] && echo "trained in this run" || echo "shipped models from potentials/")), 10000 samples each from"
  echo "\`fix drift/boltzmann\` inside LAMMPS (examples/ethanol/in.sample), energies from the same force field."
  echo
  sed -n '3,$p' "$OUT/report/report.md" | sed '/^## Plots/,$d'
  echo
  echo "The fix's own Stein checks during the sampling run (\`ksd 1000\`: every batch of 1000 replicas, forces from"
  echo "LAMMPS, metric from the model's manifest; 0 and 1 for Boltzmann samples):"
  echo
  echo "$IN_RUN"
  echo
  echo "Plots: $(ls "$OUT/report"/*.png | xargs -n1 basename | sed 's|^|report/|' | tr '\n' ' ')"
  echo
  echo "## Convergence of the reference ($CONVERGENCE_VERDICT)"
  echo
  sed -n '3,$p' "$OUT/convergence/report.md" | sed '/^Per pair type/,$d'
  echo
  echo '```'
  cat "$OUT/convergence.checks"
  echo '```'
  echo
  echo "## Speed-up of fix drift/boltzmann over MD (same machine, same force field, $NP MPI ranks)"
  echo
  echo "$SPEEDUP"
  echo
  echo "MD independent samples/s: plain LAMMPS MD of the same box (the bench's MD molecule-steps/s, measured right after"
  echo "the fix) divided by the slowest torsion's integrated autocorrelation time, $(printf '%.0f' "$TAU") steps (below)."
  echo "Fix: one batched forward pass per step for every replica, placement included (drift-fix-bench, model ${GENERATORS[0]})."
  echo
  echo '```'
  cat "$OUT/fix-bench.txt"
  echo '```'
  echo
  echo "## MD throughput on this machine"
  echo
  echo "$THROUGHPUT"
  echo
  echo "Independent samples/s = molecule-steps/s divided by the integrated autocorrelation time of the slowest"
  echo "torsion (drift-torsion-acf on a contiguous 500 K run, 8 molecules x 400000 steps)."
  echo
  echo '```'
  cat "$OUT/autocorrelation.txt"
  echo '```'
} > "$OUT/REPORT.md.tmp"
mv "$OUT/REPORT.md.tmp" "$OUT/REPORT.md"
step "done: $OUT/REPORT.md"
