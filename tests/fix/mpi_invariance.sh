#!/usr/bin/env bash
# fix drift/boltzmann under MPI: the same seed gives the same samples (positions and energies)
# on 1, 2 and 4 ranks (1152 replicas = five generation chunks, so ranks share the work), and
# '-partition 2x1' gives partition 0 the single-partition stream and partition 1 another one.
# Usage: mpi_invariance.sh <lmp_drift> <source dir> <work dir>
set -euo pipefail
LMP="$1" SRC="$2" WORK="$3"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
run() {  # run <ranks> <out> [extra lmp args]
  local np="$1" out="$2"; shift 2
  mpirun -np "$np" "$LMP" -in "$SRC/examples/in.sample" -var dir "$SRC/examples/ethanol" \
    -var nx 12 -var ny 12 -var nz 8 -var batches 3 -var out "$out" -log "$out.log" -screen none "$@"
}
# Equal up to relative 1e-9 in every number (energies are sums whose order follows the ranks).
same() {
  awk -v tol=1e-9 'NR == FNR { a[FNR] = $0; n = FNR; next }
    { if (FNR > n) { print "extra line " FNR; bad = 1; exit }
      split(a[FNR], x, /[ =]+/); m = split($0, y, /[ =]+/)
      for (k = 1; k <= m; k++) if (x[k] != y[k]) {
        d = x[k] - y[k]; s = (x[k] < 0 ? -x[k] : x[k]); if (s < 1) s = 1
        if ((d < 0 ? -d : d) > tol * s || x[k] "" !~ /^-?[0-9.eE+-]+$/) { print "line " FNR ": " a[FNR] " | " $0; bad = 1; exit } } }
    END { if (FNR != n) { print "line count differs"; bad = 1 }; exit bad }' "$1" "$2"
}
run 1 np1
run 2 np2
run 4 np4
frames=$(grep -c '^9$' np1.xyz)
[ "$frames" -eq $((1152 * 3)) ] || { echo "FAIL: np1.xyz holds $frames samples, expected 3456"; exit 1; }
same np1.xyz np2.xyz || { echo "FAIL: 2 ranks differ from 1 rank"; exit 1; }
same np1.xyz np4.xyz || { echo "FAIL: 4 ranks differ from 1 rank"; exit 1; }
echo "decomposition invariance: 1, 2 and 4 ranks give the same $frames samples"

# Stein weights and resampling: the same weights (to 1e-9) and the same resampled positions and
# velocities on 1, 2 and 4 ranks (fails if the picks depend on the ranks or on the order of the
# forces' sums beyond rounding).
for np in 1 2 4; do
  mpirun -np "$np" "$LMP" -in "$SRC/tests/fix/in.resample" -var dir "$SRC/examples/ethanol" \
    -var model "$SRC/potentials/ethanol-fi-dist-std-tor-energy.pt" -var out "rs$np" -log "rs$np.log" -screen none
done
grep -q 'weight=' rs1.xyz || { echo "FAIL: rs1.xyz carries no weights"; exit 1; }
for np in 2 4; do
  same rs1.xyz "rs$np.xyz" || { echo "FAIL: Stein weights on $np ranks differ from 1 rank"; exit 1; }
  same <(tail -n +10 rs1.final) <(tail -n +10 "rs$np.final") || { echo "FAIL: resampled positions on $np ranks differ"; exit 1; }
done
echo "reweight and resample: 1, 2 and 4 ranks give the same weights and the same resampled ensemble"

mpirun -np 2 "$LMP" -partition 2x1 -in "$SRC/examples/in.sample" -var dir "$SRC/examples/ethanol" \
  -var nx 12 -var ny 12 -var nz 8 -var batches 3 -var out part -log part.log -screen none
[ -s part.xyz.0 ] && [ -s part.xyz.1 ] || { echo "FAIL: partitions did not write part.xyz.0 and part.xyz.1"; exit 1; }
same np1.xyz part.xyz.0 || { echo "FAIL: partition 0 differs from the single-partition stream"; exit 1; }
if same np1.xyz part.xyz.1 >/dev/null; then echo "FAIL: partition 1 repeats partition 0's samples"; exit 1; fi
echo "partitions: partition 0 = single-partition stream, partition 1 independent"
