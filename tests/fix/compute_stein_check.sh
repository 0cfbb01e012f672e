#!/usr/bin/env bash
# compute drift/stein, the reference-free Boltzmann monitor of any run (docs/compute_drift_stein.md),
# on ethanol MD (216 copies, intermolecular pairs excluded, Langevin at 500 K as examples/in.md):
#  (a) the monitor: at step 0 every copy sits in the data file's conformation, which KSD^2 flags
#      (many SE above 0); after 1 ps of equilibration, averaged over 4000 steps, T_conf/T is within
#      3 SE of 1 and KSD^2 within 3 SE of 0. The same run watched with a wrong target (temp 300):
#      T_conf/T = 500/300 x the temp-500 value frame by frame and, averaged, many SE above 1 (KSD^2
#      is blind to a temperature scaling: docs/metrics.md; it is only printed);
#  (b) the compute equals drift-compare --ksd-temperature on the frames it saw (dumped with their
#      forces): KSD^2 and its SE of the 200 molecules of lowest ID and T_conf/T and its SE of all
#      216, at 500 K and 300 K, within 1e-6 relative;
#  (c) two MPI ranks give the vector of one rank on the same frames (rerun; 1e-9 relative);
#  (d) molecules of different sizes: with one molecule cut to 8 atoms, T_conf/T over all molecules
#      is the dof-weighted mean of those over the 215 ethanols and over the cut one.
#  (e) one implementation: invoked at fix drift/boltzmann's sampling steps, the compute reports the
#      fix's f_ID[7], f_ID[8], f_ID[9] bit for bit (generator batches: T_conf/T ~ 2.5).
# Mutations tried (each fails this test; the code restored after):
#  - drift_stein_check.cpp: 3 N_m degrees of freedom instead of 3 N_m - 3 -> (b) fails (T_conf/T
#    0.927 against drift-compare's 1.043 at step 4000);
#  - drift_stein_check.cpp: the metric's beta H not rescaled by T_model / temp -> (b) fails at 300 K
#    (KSD^2 0.051 against 0.024);
#  - drift_stein_check.cpp: the T_conf spread summed on each rank without the MPI_Allreduce -> (c)
#    fails (the SE on 2 ranks differs).
# Usage: compute_stein_check.sh <lmp_drift> <drift-compare> <source dir> <work dir>
set -euo pipefail
LMP="$1" COMPARE="$2" SRC="$3" WORK="$4"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
EX="$SRC/examples/ethanol"
MODEL="$SRC/potentials/ethanol-fi-dist.pt"
fail() { echo "FAIL: $*"; exit 1; }
BOX="include $EX/forcefield.lmp
read_data $EX/ethanol.data
replicate 6 6 6
neigh_modify exclude molecule/inter all"
COMPUTES="compute s all drift/stein temp 500 ksd 200 metric $MODEL
compute w all drift/stein temp 300 ksd 200 metric $MODEL"

# ---- (a) MD with the monitor: step 0 (every copy identical), equilibration, then 4000 steps
cat > in.md <<EOF
$BOX
$COMPUTES
thermo_style custom step temp c_s[*] c_w[*]
thermo_modify format float %.17g
run 0
print "STEP0 \$(c_s[1]:%.17g) \$(c_s[2]:%.17g) \$(c_s[3]:%.17g) \$(c_s[4]:%.17g) \$(c_s[5])"
timestep 0.5
velocity all create 500 4928 mom yes rot yes dist gaussian
fix thermostat all langevin 500 500 100.0 4928 zero no gjf vhalf
fix integrate all nve
thermo 1000
run 2000
fix monitor all ave/time 100 1 100 c_s[*] c_w[*] file stein.txt format " %.17g"
dump frames all custom 2000 frames.dump id mol type x y z ix iy iz fx fy fz
dump_modify frames sort id format float %.17g
run 4000
EOF
"$LMP" -in in.md -log md.log -screen none || { tail -20 md.log; fail "the MD run failed"; }
read -r _ t0 t0se k0 k0se n0 < <(grep '^STEP0 ' md.log) || true
[ -n "${n0:-}" ] || fail "no STEP0 line in md.log"
echo "(a) step 0, all 216 copies in one conformation: T_conf/T $t0 +- $t0se, KSD^2 $k0 +- $k0se ($n0 molecules)"
[ "$n0" = 216 ] || fail "the compute counted $n0 molecules, expected 216"
awk -v k="$k0" -v s="$k0se" 'BEGIN { exit !(k > 10 * s && k > 1) }' \
  || fail "KSD^2 $k0 +- $k0se of identical copies is not many SE above 0"
# stein.txt rows: step s1..s5 w1..w5, every 100 steps from 2000 to 6000
awk '!/^#/ { n++; for (i = 2; i <= 11; i++) { s[i] += $i; q[i] += $i * $i }
       r = $7 / $2; if (r - 500 / 300 > 1e-12 || 500 / 300 - r > 1e-12) bad = bad " " $1
       if ($6 != 216 || $11 != 216) bad = bad " count@" $1 }
     END { for (i = 2; i <= 11; i++) { m[i] = s[i] / n; e[i] = sqrt((q[i] / n - m[i] * m[i]) * n / (n - 1) / n) }
       printf "%d %.6f %.6f %.6f %.6f %.6f %.6f %.6f %.6f %s\n", n, m[2], e[2], m[4], e[4], m[7], e[7], m[9], e[9], (bad == "" ? "-" : bad) }' \
  stein.txt > summary.txt
read -r nf tc tce kd kde wtc wtce wkd wkde bad < summary.txt
echo "(a) MD 500 K, mean of $nf frames (SE over frames): temp 500: T_conf/T $tc +- $tce, KSD^2 $kd +- $kde"
echo "    temp 300 (wrong target): T_conf/T $wtc +- $wtce (500/300 = 1.6667), KSD^2 $wkd +- $wkde"
[ "$nf" -ge 40 ] || fail "stein.txt has $nf frames, expected 41"
[ "$bad" = - ] || fail "frames where T_conf/T at 300 K is not 500/300 of that at 500 K, or the count is not 216:$bad"
awk -v t="$tc" -v s="$tce" 'BEGIN { exit !(t - 1 < 3 * s && 1 - t < 3 * s && s < 0.1) }' \
  || fail "T_conf/T $tc +- $tce of MD at the target is not within 3 SE of 1"
awk -v k="$kd" -v s="$kde" 'BEGIN { exit !(k < 3 * s && -k < 3 * s) }' \
  || fail "KSD^2 $kd +- $kde of MD at the target is not within 3 SE of 0"
awk -v t="$wtc" -v s="$wtce" 'BEGIN { exit !(t - 1 > 5 * s) }' \
  || fail "T_conf/T $wtc +- $wtce at the wrong target 300 K is not clearly above 1"

# ---- (b) drift-compare on the frames the compute saw (steps 4000 and 6000)
close() { awk -v a="$1" -v b="$2" -v rel="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; s = (a < 0 ? -a : a); if (s < 1e-3) s = 1e-3
  exit !(d <= rel * s) }'; }
stein_json() { python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))["comparisons"][0]["stein"]
print(s["samples"], repr(s["ksd2"]), repr(s["ksd2_standard_error"]), repr(s["configurational_temperature_ratio"]),
      repr(s["configurational_temperature_ratio_error"]))' "$1"; }
for step in 4000 6000; do
  awk -v s="$step" '/^ITEM: TIMESTEP/ { getline t; on = (t + 0 == s); if (on) print "ITEM: TIMESTEP\n" t; next } on' \
    frames.dump > frame$step.dump
  [ -s frame$step.dump ] || fail "no frame $step in frames.dump"
  read -r -a row < <(awk -v s="$step" '!/^#/ && $1 == s' stein.txt) || true
  [ "${#row[@]}" -eq 11 ] || fail "no row for step $step in stein.txt"
  for temp in 500 300; do
    off=$([ "$temp" = 500 ] && echo 1 || echo 6)
    ctc=${row[$off]} ctce=${row[$((off + 1))]} ckd=${row[$((off + 2))]} ckde=${row[$((off + 3))]}
    for samples in 200 216; do
      "$COMPARE" -q --no-plots -d "$EX/ethanol.data" "$SRC/potentials/ethanol-reference-500K.xyz" frame$step.dump -l md \
        --forcefield "$EX/forcefield.lmp" --ksd-temperature $temp --ksd-samples $samples -o dc-$step-$temp-$samples \
        > /dev/null || fail "drift-compare failed on frame $step"
    done
    read -r n200 dkd dkde _ _ < <(stein_json dc-$step-$temp-200/metrics.json)
    read -r n216 _ _ dtc dtce < <(stein_json dc-$step-$temp-216/metrics.json)
    echo "(b) step $step, $temp K: compute KSD^2 $ckd +- $ckde, T_conf/T $ctc +- $ctce;" \
      "drift-compare KSD^2 $dkd +- $dkde ($n200), T_conf/T $dtc +- $dtce ($n216)"
    [ "$n200" = 200 ] && [ "$n216" = 216 ] || fail "drift-compare used $n200 and $n216 samples"
    close "$ckd" "$dkd" 1e-6 || fail "step $step, $temp K: the compute's KSD^2 $ckd differs from drift-compare's $dkd"
    close "$ckde" "$dkde" 1e-6 || fail "step $step, $temp K: the compute's KSD^2 SE $ckde differs from drift-compare's $dkde"
    close "$ctc" "$dtc" 1e-6 || fail "step $step, $temp K: the compute's T_conf/T $ctc differs from drift-compare's $dtc"
    close "$ctce" "$dtce" 1e-6 || fail "step $step, $temp K: the compute's T_conf/T SE $ctce differs from drift-compare's $dtce"
  done
done

# ---- (c) one rank and two ranks on the same frames (rerun: the force field's forces)
cat > in.rerun <<EOF
$BOX
$COMPUTES
thermo_style custom step c_s[*] c_w[*]
thermo_modify format float %.17g
thermo 2000
rerun frames.dump dump x y z ix iy iz box yes
EOF
"$LMP" -in in.rerun -log rerun1.log -screen none || fail "rerun on 1 rank failed"
mpirun -np 2 "$LMP" -in in.rerun -log rerun2.log -screen none || fail "rerun on 2 ranks failed"
rows() { awk '$1 == "Step" { on = 1; next } on && $1 ~ /^[0-9]+$/ { print } /^Loop/ { on = 0 }' "$1"; }
rows rerun1.log > rerun1.txt
rows rerun2.log > rerun2.txt
[ "$(wc -l < rerun1.txt)" -eq 3 ] || fail "rerun on 1 rank printed $(wc -l < rerun1.txt) frames, expected 3"
paste rerun1.txt rerun2.txt | awk '{ h = NF / 2; for (i = 1; i <= h; i++) { a = $i; b = $(i + h); d = a - b; if (d < 0) d = -d
    s = (a < 0 ? -a : a); if (s < 1e-3) s = 1e-3; if (d > 1e-9 * s) { print "step " $1 " column " i ": " a " vs " b; bad = 1 } } }
    END { exit bad }' || fail "two ranks differ from one rank"
echo "(c) 1 and 2 ranks agree on 3 frames (1e-9), e.g. step, T_conf/T, SE, KSD^2, SE, molecules: $(tail -1 rerun1.txt | awk '{ print $1, $2, $3, $4, $5, $6 }')"

# ---- (d) molecules of different sizes: molecule 216 without its last H
cat > in.mixed <<EOF
$BOX
group cut id 1944
delete_atoms group cut bond yes
group odd molecule 216
group rest subtract all odd
compute all all drift/stein temp 500
compute rest rest drift/stein temp 500
compute odd odd drift/stein temp 500
velocity all create 500 77 mom yes rot yes dist gaussian
fix thermostat all langevin 500 500 100.0 77 zero no gjf vhalf
fix integrate all nve
timestep 0.5
thermo_style custom step c_all[1] c_all[5] c_rest[1] c_rest[5] c_odd[1] c_odd[5]
thermo_modify format float %.17g
thermo 500
run 500
EOF
"$LMP" -in in.mixed -log mixed.log -screen none || fail "the run with molecules of two sizes failed"
read -r _ all nall rest nrest odd nodd < <(rows mixed.log | tail -1) || true
echo "(d) T_conf/T: all $all ($nall molecules), 215 ethanols $rest ($nrest), the 8-atom one $odd ($nodd)"
[ "$nall" = 216 ] && [ "$nrest" = 215 ] && [ "$nodd" = 1 ] || fail "molecule counts $nall $nrest $nodd, expected 216 215 1"
awk -v a="$all" -v r="$rest" -v o="$odd" 'BEGIN { m = (r * 215 * 24 + o * 21) / (215 * 24 + 21); d = a - m; if (d < 0) d = -d
  exit !(d <= 1e-9 * (m < 0 ? -m : m)) }' || fail "T_conf/T over all ($all) is not the dof-weighted mean of $rest and $odd"
# ---- (e) the fix's Stein checks of three generator batches are the compute's, bit for bit
cat > in.fix <<EOF
$BOX
fix gen all drift/boltzmann 1 $MODEL seed 7 ksd 200 energy no
compute s all drift/stein temp 500 ksd 200 metric $MODEL
thermo_style custom step f_gen[7] f_gen[8] f_gen[9] c_s[1] c_s[3] c_s[4]
thermo_modify format float %.17g
thermo 1
run 3
EOF
"$LMP" -in in.fix -log fix.log -screen none || fail "the run with fix drift/boltzmann failed"
rows fix.log | awk '$1 > 0 { n++; if ($2 != $5 || $3 != $6 || $4 != $7) { print "step " $1 ": fix " $2, $3, $4 " compute " $5, $6, $7; bad = 1 } }
  END { exit bad || n != 3 }' || fail "the compute's T_conf/T, KSD^2, SE at the fix's sampling steps are not the fix's f_ID[7..9]"
echo "(e) fix drift/boltzmann's f_ID[7..9] = the compute's c_ID[1,3,4] at 3 sampling steps, e.g. $(rows fix.log | tail -1 | awk '{ print $2, $3, $4 }')"
echo "compute drift/stein monitors MD"
