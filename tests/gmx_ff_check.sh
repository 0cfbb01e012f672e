#!/usr/bin/env bash
# The GROMACS -> LAMMPS converter on alanine dipeptide (AMBER ff99SB-ILDN from Debian's gromacs-data):
# pdb2gmx -> grompp -> gmx2lammps -> ff-check: LAMMPS and gmx mdrun -rerun agree on every energy term
# of 100 distorted conformations within 1e-3 kcal/mol. Fails if a unit conversion, a style's
# parameter mapping (K/2, phases, improper signs), the 1-4 scaling or the vacuum box is wrong.
# Bad input: a topology term with no conversion is refused with its name.
# Where the CPU hides rdtscp from CPUID (virtual machines), ff-check reruns mdrun with the build's
# hardware-report shim and says so; mdrun then computes the same energies.
# Usage: gmx_ff_check.sh <lmp_drift> <source dir> <work dir> [<libgmx_hardware_report_shim.so>]
set -euo pipefail
LMP="$1" SRC="$2" WORK="$3" SHIM="${4:-}"
EX="$SRC/examples/alanine-dipeptide"
GMX=gmx_d
command -v "$GMX" >/dev/null || GMX=gmx
command -v "$GMX" >/dev/null || { echo "FAIL: GROMACS (gmx_d or gmx) not found: tools/setup.sh installs Debian's gromacs"; exit 1; }
[ -d /usr/share/gromacs/top/amber99sb-ildn.ff ] || { echo "FAIL: gromacs-data's amber99sb-ildn.ff not found"; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
bash "$SRC/tools/alanine-dipeptide-ff.sh" "$WORK/ala2" "$GMX"
python3 "$SRC/tools/ff-check.py" "$WORK/ala2.tpr" "$WORK/ala2" --lmp "$LMP" --gmx "$GMX" -n 100 --tolerance 1e-3 \
  ${SHIM:+--gmx-shim "$SHIM"}
# A term the converter cannot express is an error that names it and writes nothing (a stand-in gmx
# prints the dump of a run input with a tabulated bond).
cat > fake-gmx <<'GMX'
#!/usr/bin/env bash
cat <<'DUMP'
   #molblock                      = 1
         functype[0]=LJ_SR, c6= 1e-3, c12= 1e-6
      fudgeQQ                        = 0.8333
            atom[     0]={type=  0, typeB=  0, ptype=    Atom, m= 1.2e+01, q= 0.0e+00, mB= 1.2e+01, qB= 0.0e+00, resind=    0, atomnumber=  6}
      Tab. Bonds:
         nr: 3
         iatoms:
            0 type=0 (TABBONDS)   0   0
DUMP
GMX
chmod +x fake-gmx
touch bad.tpr
rm -f bad.data bad-forcefield.lmp
set +e
msg="$(python3 "$SRC/tools/gmx2lammps.py" bad.tpr bad --gmx "$WORK/fake-gmx" 2>&1)"
rc=$?
set -e
[ "$rc" -ne 0 ] && grep -q "bad.tpr: interactions of kind 'Tab. Bonds' (1 of them) have no LAMMPS conversion" <<< "$msg" \
  || { echo "FAIL: an unsupported term was not refused by name (rc $rc): $msg"; exit 1; }
[ ! -e bad.data ] && [ ! -e bad-forcefield.lmp ] || { echo "FAIL: a refused conversion left output files"; exit 1; }
echo "unsupported terms are refused by name, with no output: $msg"
# The shipped data file and include are what the converter writes today (title line aside).
diff <(tail -n +2 ala2.data) <(tail -n +2 "$EX/alanine-dipeptide.data") >/dev/null \
  || { echo "FAIL: examples/alanine-dipeptide/alanine-dipeptide.data differs from the converter's output: bash tools/alanine-dipeptide-ff.sh"; exit 1; }
diff <(tail -n +2 ala2-forcefield.lmp) <(tail -n +2 "$EX/forcefield.lmp") >/dev/null \
  || { echo "FAIL: examples/alanine-dipeptide/forcefield.lmp differs from the converter's output"; exit 1; }
echo "shipped alanine-dipeptide.data and forcefield.lmp match the converter"
