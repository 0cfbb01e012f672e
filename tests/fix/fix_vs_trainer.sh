#!/usr/bin/env bash
# The fix's samples are the trainer's samples: examples/in.sample run by lmp_drift on
# 2 ranks (2000 replicas' samples with LAMMPS energies) and drift-sample (the trainer's own
# evaluation path, its own noise) draw from the same shipped model; drift-compare must find the
# two ensembles equal within sampling noise (structure and energies; limits ~3 standard errors).
# Usage: fix_vs_trainer.sh <lmp_drift> <drift-sample> <drift-compare> <source dir> <work dir>
set -euo pipefail
LMP="$1" SAMPLE="$2" COMPARE="$3" SRC="$4" WORK="$5"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
EX="$SRC/examples/ethanol"
mpirun -np 2 "$LMP" -in "$EX/../in.sample" -var dir "$EX" -var batches 2 -var out fix -log fix.log -screen none
"$SAMPLE" "$SRC/potentials/ethanol-fi-dist.pt" -d "$EX/ethanol.data" -n 2000 --seed 5 --threads 1 \
  --forcefield "$EX/forcefield.lmp" -o trainer.xyz
"$COMPARE" -d "$EX/ethanol.data" trainer.xyz fix.xyz --reference-label "drift-sample" -l "fix drift/boltzmann" -o report \
  --max hr_tvd=0.04 --max pair_type_tvd=0.08 --max bond_mae=0.003 --max torsion_jsd=0.03 \
  --max energy_mean_diff=2.5 --max energy_w1=2.0  # generator energies spread ~18 kcal/mol: SE of the mean difference ~0.8
