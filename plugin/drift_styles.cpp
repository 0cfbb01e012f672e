#include "drift_styles.h"

#include "compute_drift_stein.h"
#include "drift_host_check.h"
#include "error.h"
#include "fix_drift_boltzmann.h"
#include "lammps.h"
#include "modify.h"
#include "version.h"

#include "drift/replica/kokkos_runtime.hpp"
#include "drift/sampler/replica_sampler.hpp"

#include <string>

using namespace LAMMPS_NS;

Fix *LAMMPS_NS::drift_boltzmann_creator(LAMMPS *lmp, int narg, char **arg)
{
  return new FixDriftBoltzmann(lmp, narg, arg);
}

Compute *LAMMPS_NS::drift_stein_creator(LAMMPS *lmp, int narg, char **arg)
{
  return new ComputeDriftStein(lmp, narg, arg);
}

void LAMMPS_NS::drift_check_host(LAMMPS *lmp, const char *who)
{
  // Version and sizes through the C library interface: it reads them from the host's own build.
  const std::string mismatch = drift_host_mismatch(lmp, who);
  if (!mismatch.empty()) lmp->error->all(FLERR, mismatch);
  // Under '-k on' LAMMPS has initialised its Kokkos before any input line runs. Ours is then
  // initialised too unless it is another runtime, which must not run beside LAMMPS' own.
  if (lmp->kokkos && !drift::replica::kokkos_initialized())
    lmp->error->all(FLERR, std::string(who) + " brings its own Kokkos runtime (Kokkos " + drift::replica::kokkos_version() +
                               ", not initialised), not the one this KOKKOS LAMMPS runs with '-k on': rebuild lammps-drift "
                               "against the Kokkos your LAMMPS was built with (-DKokkos_ROOT=<its Kokkos install>, "
                               "-DDRIFT_LAMMPS_KOKKOS=ON), or run LAMMPS without '-k on'");
}

void LAMMPS_NS::drift_register_styles(LAMMPS *lmp)
{
  drift_check_host(lmp, "lammps-drift");
  (*lmp->modify->fix_map)["drift/boltzmann"] = &drift_boltzmann_creator;
  (*lmp->modify->compute_map)["drift/stein"] = &drift_stein_creator;
#if defined(DRIFT_LAMMPS_KOKKOS)
  (*lmp->modify->fix_map)["drift/boltzmann/kk"] = &drift_boltzmann_kk_creator;
  (*lmp->modify->fix_map)["drift/boltzmann/kk/device"] = &drift_boltzmann_kk_creator;
  (*lmp->modify->fix_map)["drift/boltzmann/kk/host"] = &drift_boltzmann_kk_host_creator;
#endif
}

std::string LAMMPS_NS::drift_build_info()
{
#if defined(DRIFT_LAMMPS_KOKKOS)
  const std::string styles = "fix drift/boltzmann (and /kk, /kk/device, /kk/host), compute drift/stein";
#else
  const std::string styles = "fix drift/boltzmann, compute drift/stein";
#endif
  return std::string("lammps-drift ") + DRIFT_VERSION + ": " + styles + "; built with LAMMPS " + LAMMPS_VERSION +
      " (" + drift_sizes_name() + "), LibTorch " +
      drift::ReplicaSampler::libtorch_version() + ", Kokkos " + drift::replica::kokkos_version();
}
