#!/usr/bin/env bash
# Alanine dipeptide (ACE-ALA-NME) with AMBER ff99SB-ILDN in vacuum, from Debian's GROMACS data to
# LAMMPS: pdb2gmx (hydrogens added to examples/alanine-dipeptide/ala2.pdb), a 10 nm box, grompp with
# the vacuum single-point settings, then tools/gmx2lammps.py.
# Usage: alanine-dipeptide-ff.sh OUT_PREFIX [gmx executable]
#   writes OUT_PREFIX.top/.gro/.tpr (GROMACS), OUT_PREFIX.data and OUT_PREFIX-forcefield.lmp (LAMMPS)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$1" GMX="${2:-gmx}"
EX="$ROOT/examples/alanine-dipeptide"
dir="$(dirname "$OUT")" base="$(basename "$OUT")"
mkdir -p "$dir"
cd "$dir"
"$GMX" -quiet pdb2gmx -f "$EX/ala2.pdb" -o "$base-h.gro" -p "$base.top" -i "$base-posre.itp" -ff amber99sb-ildn \
  -water none -ignh > "$base-pdb2gmx.log" 2>&1 || { cat "$base-pdb2gmx.log" >&2; exit 1; }
"$GMX" -quiet editconf -f "$base-h.gro" -o "$base.gro" -box 10 10 10 -center 5 5 5 > "$base-editconf.log" 2>&1
"$GMX" -quiet grompp -f "$EX/vacuum.mdp" -c "$base.gro" -p "$base.top" -o "$base.tpr" -po "$base-mdout.mdp" -maxwarn 2 \
  > "$base-grompp.log" 2>&1 || { cat "$base-grompp.log" >&2; exit 1; }
python3 "$ROOT/tools/gmx2lammps.py" "$base.tpr" "$base" --gmx "$GMX"
