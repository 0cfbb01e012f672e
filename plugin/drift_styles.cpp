#include "drift_styles.h"

#include "compute_drift_stein.h"
#include "fix_drift_boltzmann.h"
#include "lammps.h"
#include "modify.h"
#include "version.h"

#include "drift/sampler/replica_sampler.hpp"

#include <Kokkos_Macros.hpp>

using namespace LAMMPS_NS;

Fix *LAMMPS_NS::drift_boltzmann_creator(LAMMPS *lmp, int narg, char **arg)
{
  return new FixDriftBoltzmann(lmp, narg, arg);
}

Compute *LAMMPS_NS::drift_stein_creator(LAMMPS *lmp, int narg, char **arg)
{
  return new ComputeDriftStein(lmp, narg, arg);
}

void LAMMPS_NS::drift_register_styles(LAMMPS *lmp)
{
  (*lmp->modify->fix_map)["drift/boltzmann"] = &drift_boltzmann_creator;
  (*lmp->modify->compute_map)["drift/stein"] = &drift_stein_creator;
}

std::string LAMMPS_NS::drift_build_info()
{
  return std::string("lammps-drift ") + DRIFT_VERSION + ": fix drift/boltzmann, compute drift/stein; built with LAMMPS " + LAMMPS_VERSION +
      ", LibTorch " + drift::ReplicaSampler::libtorch_version() + ", Kokkos " + std::to_string(KOKKOS_VERSION / 10000) +
      "." + std::to_string(KOKKOS_VERSION / 100 % 100) + "." + std::to_string(KOKKOS_VERSION % 100);
}
