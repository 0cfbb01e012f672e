#!/usr/bin/env bash
# The GROMACS -> LAMMPS converter on alanine dipeptide (AMBER ff99SB-ILDN from Debian's gromacs-data):
# pdb2gmx -> grompp -> gmx2lammps -> ff-check: LAMMPS and gmx mdrun -rerun agree on every energy term
# of 100 distorted conformations within 1e-3 kcal/mol. Fails if a unit conversion, a style's
# parameter mapping (K/2, phases, improper signs), the 1-4 scaling or the vacuum box is wrong.
# Bad input: a topology term with no conversion is refused with its name.
# Usage: gmx_ff_check.sh <lmp_drift> <source dir> <work dir>
set -euo pipefail
LMP="$1" SRC="$2" WORK="$3"
EX="$SRC/examples/alanine-dipeptide"
GMX=gmx_d
command -v "$GMX" >/dev/null || GMX=gmx
command -v "$GMX" >/dev/null || { echo "FAIL: GROMACS (gmx_d or gmx) not found: tools/setup.sh installs Debian's gromacs"; exit 1; }
[ -d /usr/share/gromacs/top/amber99sb-ildn.ff ] || { echo "FAIL: gromacs-data's amber99sb-ildn.ff not found"; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
bash "$SRC/tools/alanine-dipeptide-ff.sh" "$WORK/ala2" "$GMX"
python3 "$SRC/tools/ff-check.py" "$WORK/ala2.tpr" "$WORK/ala2" --lmp "$LMP" --gmx "$GMX" -n 100 --tolerance 1e-3
# A term the converter cannot express is an error that names it, and writes nothing.
rm -f bad.data bad-forcefield.lmp
if python3 - "$SRC/tools/gmx2lammps.py" <<'PY'
import sys, importlib.util
spec = importlib.util.spec_from_file_location("g", sys.argv[1]); g = importlib.util.module_from_spec(spec); spec.loader.exec_module(g)
dump = "   #molblock = 1\n         functype[0]=LJ_SR, c6= 1e-3, c12= 1e-6\n      fudgeQQ = 0.8333\n" \
       "            atom[     0]={type=  0, typeB=  0, ptype=    Atom, m= 1.2e+01, q= 0.0e+00, mB= 1.2e+01, qB= 0.0e+00, resind=    0, atomnumber=  6}\n" \
       "      Tab. Bonds:\n         nr: 3\n         iatoms:\n            0 type=0 (TABBONDS)   0   0\n"
try:
    ff, atoms, names, inter, fq = g.parse_dump(dump, "bad.tpr")
    g.convert(ff, atoms, names, inter, fq, "bad.tpr", 20.0)
except g.ConversionError as e:
    print("refused:", e)
    sys.exit(0 if "Tab. Bonds" in str(e) else 1)
sys.exit(1)
PY
then echo "unsupported terms are refused by name"; else echo "FAIL: an unsupported term was not refused by name"; exit 1; fi
# The shipped data file and include are what the converter writes today (title line aside).
diff <(tail -n +2 ala2.data) <(tail -n +2 "$EX/alanine-dipeptide.data") >/dev/null \
  || { echo "FAIL: examples/alanine-dipeptide/alanine-dipeptide.data differs from the converter's output: bash tools/alanine-dipeptide-ff.sh"; exit 1; }
diff <(tail -n +2 ala2-forcefield.lmp) <(tail -n +2 "$EX/forcefield.lmp") >/dev/null \
  || { echo "FAIL: examples/alanine-dipeptide/forcefield.lmp differs from the converter's output"; exit 1; }
echo "shipped alanine-dipeptide.data and forcefield.lmp match the converter"
