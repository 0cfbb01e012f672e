#!/usr/bin/env bash
# fix drift/boltzmann under MPI: the same seed gives the same samples (positions and energies)
# on 1, 2, 3, 4 and 8 ranks (13 x 13 x 7 = 1183 replicas, so that subdomain faces cut molecules;
# each rank generates the molecules it owns, in padded chunks of 1024 rows, and 100 rows on 1 and 3
# ranks, and molecules that straddle subdomains travel to their owners and back), and
# '-partition 2x1' gives partition 0 the single-partition stream and partition 1 another one.
# Mutations that make it fail: skipping the fragments in DriftMoleculeExchange::scatter (atoms of
# straddlers keep their old positions: tried, "2 ranks differ"); every rank that holds a fragment
# taking itself as the owner (molecules gathered incomplete); the thermo's straddler count
# (f_ID[13]) never set. Not caught here: generating a short chunk as a shorter batch instead of
# padding it (tried: this machine's LibTorch gives the same bits either way; the padding guards
# libraries that pick kernels by batch size).
# Usage: mpi_invariance.sh <lmp_drift> <source dir> <work dir>
set -euo pipefail
LMP="$1" SRC="$2" WORK="$3"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
run() {  # run <ranks> <out> [extra lmp args]
  local np="$1" out="$2"; shift 2
  mpirun -np "$np" "$LMP" -in "$SRC/examples/in.sample" -var dir "$SRC/examples/ethanol" \
    -var nx 13 -var ny 13 -var nz 7 -var batches 3 -var out "$out" -log "$out.log" -screen none "$@"
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
# Thermo column of f_sample[13] (molecules split over ranks at the last placement) in in.sample.
straddlers() { awk '$1 == "Step" { for (k = 1; k <= NF; k++) if ($k == "f_sample[13]") c = k; on = 1; next }
  /^Loop time/ { on = 0 } on && c && $1 > 0 { s += $c } END { print s + 0 }' "$1"; }
run 1 np1
frames=$(grep -c '^9$' np1.xyz)
[ "$frames" -eq $((1183 * 3)) ] || { echo "FAIL: np1.xyz holds $frames samples, expected 3549"; exit 1; }
[ "$(straddlers np1.log)" -eq 0 ] || { echo "FAIL: 1 rank reports molecules split over ranks"; exit 1; }
for np in 2 3 4 8; do
  run "$np" "np$np"
  same np1.xyz "np$np.xyz" || { echo "FAIL: $np ranks differ from 1 rank"; exit 1; }
  split="$(straddlers "np$np.log")"
  # With 2, 4 and 8 ranks a subdomain face lies mid-cell, through the molecules (the ethanol cell
  # is 30 A with its molecule at the centre): the fragment route is exercised. 3 ranks cut the
  # 13-cell sides at thirds, 5 A from every molecule: only whole molecules, another layout.
  if [ "$np" -ne 3 ]; then
    [ "$split" -gt 0 ] || { echo "FAIL: no molecule straddled the $np subdomains (the test does not test the exchange)"; exit 1; }
  fi
  echo "  $np ranks: same samples, $split straddling placements over 3 batches"
done
# A small chunk: several padded chunks per rank, and the rows of a chunk are other molecules on
# each rank count. Mutation that fails it: a chunk's noise or rotation drawn by the row's place in
# the chunk instead of the molecule ID.
run 1 c1 -var chunk 100
run 3 c3 -var chunk 100
same c1.xyz c3.xyz || { echo "FAIL: chunk 100: 3 ranks differ from 1 rank"; exit 1; }
grep -q "100 rows per generator call" c1.log || { echo "FAIL: the log does not report chunk 100"; exit 1; }
echo "decomposition invariance: 1, 2, 3, 4 and 8 ranks give the same $frames samples (and 1, 3 ranks at chunk 100)"

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
  -var nx 13 -var ny 13 -var nz 7 -var batches 3 -var out part -log part.log -screen none
[ -s part.xyz.0 ] && [ -s part.xyz.1 ] || { echo "FAIL: partitions did not write part.xyz.0 and part.xyz.1"; exit 1; }
same np1.xyz part.xyz.0 || { echo "FAIL: partition 0 differs from the single-partition stream"; exit 1; }
if same np1.xyz part.xyz.1 >/dev/null; then echo "FAIL: partition 1 repeats partition 0's samples"; exit 1; fi
echo "partitions: partition 0 = single-partition stream, partition 1 independent"
