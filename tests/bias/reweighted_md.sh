#!/usr/bin/env bash
# A biased MD reweighted by drift-bias is the unbiased ensemble (docs/method.md, "A reference for a rare
# basin"), end to end through examples/in.md's bias hook: ethanol at 500 K with a bias on its hydroxyl
# torsion C2-C1-O3-H9 that moves the wells' populations far (the unweighted biased run must differ from
# the unbiased one by |z| > 8); reweighted (drift-compare --weights ensemble, and the biased run as an
# auto-weighted reference) every hydroxyl well agrees with unbiased MD within 3 standard errors
# and the rotor's JSD is below 0.005.
# Also: LAMMPS's fix restrain energy, recomputed on every frame of the biased run, equals drift-bias's
# own V(phi) on those frames (the convention check of the restraint file covers only the start
# structure). Mutations that fail it: exp(-V/kT) instead of exp(+V/kT) in reweight; the weights
# ignored by drift-compare; -phi in TorsionBias::energy_at (the rerun's <V> disagrees).
# Usage: reweighted_md.sh <lmp> <drift-bias> <drift-compare> <source dir> <work dir>
set -euo pipefail
LMP="$1" BIAS="$2" COMPARE="$3" SRC="$4" WORK="$5"
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
EX="$SRC/examples/ethanol"
DATA="$EX/ethanol.data"
MD=(-var dir "$EX" -var data ethanol.data -var T 500 -var nx 5 -var Tmelt 500 -var melt 2000 -var equil 4000
    -var nframes 120 -var every 200)
"$BIAS" restrain -d "$DATA" --torsion 2,1,3,9 --term 1.0:1:60 --copies 125 -o bias.lmp
"$LMP" -in "$SRC/examples/in.md" "${MD[@]}" -var seed 101 -var bias bias.lmp -var out biased -log biased.log -screen none
grep -q "^MD_BIAS applied" biased.log || { echo "FAIL: the bias was not applied (biased.log)"; exit 1; }
"$LMP" -in "$SRC/examples/in.md" "${MD[@]}" -var seed 202 -var out unbiased -log unbiased.log -screen none
grep -q "^MD_BIAS none" unbiased.log || { echo "FAIL: the unbiased run reports no 'MD_BIAS none'"; exit 1; }
"$BIAS" reweight -d "$DATA" --bias bias.lmp --temperature 500 biased.dump weighted.dump 2> reweight.txt
cat reweight.txt
grep -q " weight$" <(sed -n 9p weighted.dump) || { echo "FAIL: weighted.dump has no weight column"; exit 1; }

# LAMMPS's own bias energy on the biased frames (rerun of their positions with the restraint).
cat > rerun.in <<IN
include $EX/forcefield.lmp
read_data $DATA
replicate 5 5 5
neigh_modify exclude molecule/inter all
include bias.lmp
thermo_style custom step f_drift_bias
thermo_modify format float %.10g
thermo 200
rerun biased.positions.dump dump x y z ix iy iz box yes
IN
"$LMP" -in rerun.in -log rerun.log -screen none
lammps_mean="$(awk '$1 == "Step" { on = 1; next } /^Loop time/ { on = 0 } on && NF == 2 { s += $2; n++ } END { printf "%.8g", s / n / 125 }' rerun.log)"
ours="$(sed -n 's/.*<V> biased \([^,]*\),.*/\1/p' reweight.txt)"
echo "mean bias energy per molecule over the biased frames: LAMMPS fix restrain $lammps_mean, drift-bias $ours"
awk -v a="$lammps_mean" -v b="$ours" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-4 * (a > 0 ? a : -a) + 1e-6) }' \
  || { echo "FAIL: LAMMPS's restraint energy and drift-bias's V differ on the biased frames"; exit 1; }

# Unbiased MD is the reference; the hydroxyl rotor has symmetry 1, so well_z_label_free covers its wells.
for limit in well_z_label_free=8 torsion_jsd_label_free=0.02; do
  "$COMPARE" -q --no-plots -d "$DATA" unbiased.dump biased.dump -o raw --max "$limit" > raw.md 2>> raw.txt && {
    cat raw.txt; echo "FAIL: the bias does not move the hydroxyl rotor beyond $limit: the test cannot tell reweighting from none"; exit 1; }
done
"$COMPARE" -q --no-plots -d "$DATA" unbiased.dump weighted.dump --weights ensemble -o weighted --max well_z_label_free=3 \
  --max torsion_jsd_label_free=0.005 > weighted.md 2> weighted.txt \
  || { cat weighted.txt weighted.md; echo "FAIL: the reweighted rotor differs from unbiased MD"; exit 1; }
cat raw.txt weighted.txt
# The reweighted run as the reference (weighted automatically) and the unbiased run as the sample.
"$COMPARE" -q --no-plots -d "$DATA" weighted.dump unbiased.dump -o as-reference --max well_z_label_free=3 \
  --max torsion_jsd_label_free=0.005 > as-reference.md 2> as-reference.txt || { cat as-reference.txt; echo "FAIL: the weighted reference disagrees"; exit 1; }
grep -q "weighted by its frames' weights: ESS" as-reference.md || { echo "FAIL: the report does not say the reference is weighted"; exit 1; }
"$COMPARE" -q --no-plots -d "$DATA" weighted.dump unbiased.dump --reference-weights none -o ignored --max torsion_jsd_label_free=0.02 \
  > /dev/null 2>&1 && { echo "FAIL: --reference-weights none still weights the reference"; exit 1; }
echo "PASS: the reweighted biased run matches unbiased MD on every hydroxyl well; LAMMPS and drift-bias agree on V"
