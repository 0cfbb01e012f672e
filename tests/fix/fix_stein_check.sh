#!/usr/bin/env bash
# The fix's in-run Stein checks are drift-compare's: examples/in.sample on 2 ranks (1000
# replicas, one batch, 'ksd 1000') reports KSD^2 +- SE and T_conf/T of the batch from LAMMPS' forces
# and the manifest's metric; drift-compare --ksd-temperature on the fix's output file (forces
# relabelled by its own LAMMPS, metric rebuilt from the force field) must give the same numbers.
# Also: the 1000 shipped reference MD conformations score KSD^2 within 3 SE of 0 and T_conf/T of 1.
# Usage: fix_stein_check.sh <lmp_drift> <drift-compare> <source dir> <work dir>
set -euo pipefail
LMP="$1" COMPARE="$2" SRC="$3" WORK="$4"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
EX="$SRC/examples/ethanol"
mpirun -np 2 "$LMP" -in "$EX/../in.sample" -var dir "$EX" -var nx 10 -var batches 1 -var ksd 1000 -var out fix \
  -log fix.log -screen none
# thermo: step pe f[1] f[2] f[3] f[4] f[5] f[7] f[8] f[9]
read -r fix_tconf fix_ksd fix_se < <(awk '$1 == "Step" { on = 1; next } on && $1 == 1 { print $8, $9, $10; exit }' fix.log) || true
[ -n "${fix_se:-}" ] || { echo "FAIL: no thermo line for step 1 in fix.log"; exit 1; }
"$COMPARE" -q --no-plots -d "$EX/ethanol.data" "$SRC/potentials/ethanol-reference-500K.xyz" fix.xyz -l fix \
  --reference-label reference --forcefield "$EX/forcefield.lmp" --ksd-temperature 500 --ksd-samples 1000 -o report > table.md
# Stein table rows: | ensemble | samples | KSD^2 +- SE | T_conf/T +- SE |
stein_row() { awk -F'|' -v name="$1" '/^\| ensemble \| samples \| KSD/ { on = 1; next }
  on { l = $2; gsub(/^ +| +$/, "", l); if (l == name) { split($4, k, " "); split($5, t, " "); print $3 + 0, k[1], k[3], t[1], t[3]; exit } }' table.md; }
read -r n ksd se tconf tconf_se < <(stein_row fix) || true
read -r ref_n ref_ksd ref_se ref_tconf ref_tconf_se < <(stein_row "reference (reference)") || true
[ -n "${tconf:-}" ] && [ -n "${ref_tconf:-}" ] || { echo "FAIL: no Stein rows in drift-compare's table"; cat table.md; exit 1; }
echo "fix:           KSD^2 $fix_ksd +- $fix_se, T_conf/T $fix_tconf"
echo "drift-compare: KSD^2 $ksd +- $se, T_conf/T $tconf ($n samples); reference MD: KSD^2 $ref_ksd +- $ref_se"
close() { awk -v a="$1" -v b="$2" -v rel="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; s = (a < 0 ? -a : a); if (s < 0.01) s = 0.01
  exit !(d <= rel * s) }'; }
[ "$n" -eq 1000 ] || { echo "FAIL: drift-compare used $n samples, expected 1000"; exit 1; }
close "$fix_ksd" "$ksd" 1e-3 || { echo "FAIL: the fix's KSD^2 $fix_ksd differs from drift-compare's $ksd"; exit 1; }
close "$fix_se" "$se" 1e-3 || { echo "FAIL: the fix's KSD^2 SE $fix_se differs from drift-compare's $se"; exit 1; }
close "$fix_tconf" "$tconf" 1e-3 || { echo "FAIL: the fix's T_conf/T $fix_tconf differs from drift-compare's $tconf"; exit 1; }
awk -v k="$ref_ksd" -v s="$ref_se" 'BEGIN { exit !(k < 3 * s && k > -3 * s) }' \
  || { echo "FAIL: reference MD KSD^2 $ref_ksd is not within 3 SE ($ref_se) of 0"; exit 1; }
awk -v t="$ref_tconf" -v s="$ref_tconf_se" 'BEGIN { exit !(t - 1 < 3 * s && 1 - t < 3 * s) }' \
  || { echo "FAIL: reference MD T_conf/T $ref_tconf is not within 3 SE ($ref_tconf_se) of 1"; exit 1; }
# The shipped generator is too hot along stiff modes (docs/metrics.md): both checks must see it.
awk -v t="$tconf" -v s="$tconf_se" 'BEGIN { exit !(t - 1 > 3 * s) }' \
  || { echo "FAIL: the generator's T_conf/T $tconf +- $tconf_se is not clearly above 1"; exit 1; }
awk -v k="$ksd" -v r="$ref_ksd" -v s="$ref_se" 'BEGIN { exit !(k - r > 3 * s) }' \
  || { echo "FAIL: the generator's KSD^2 $ksd is not clearly above the reference's $ref_ksd +- $ref_se"; exit 1; }
echo "fix Stein checks match drift-compare"
