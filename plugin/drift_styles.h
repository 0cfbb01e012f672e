/* lammps-drift: the styles this package adds, and how a front end registers them. */
#ifndef LMP_DRIFT_STYLES_H
#define LMP_DRIFT_STYLES_H

#include <string>

namespace LAMMPS_NS {
class LAMMPS;
class Fix;
class Compute;

// Inserts every lammps-drift style into this LAMMPS instance's style maps (lmp_drift, tests),
// after drift_check_host. On LAMMPS 29Sep2021 'clear' rebuilds the maps: register again after it.
void drift_register_styles(LAMMPS *lmp);

// Refuses (error->all, naming what to change) a LAMMPS these styles were not built for: another
// version (LAMMPS_VERSION_NUMBER) or other integer sizes (LAMMPS_SIZES) than the host's
// (drift_host_check.h), or, under '-k on', a Kokkos runtime other than LAMMPS' own. `who` begins
// the message ("driftplugin.so", "lammps-drift").
void drift_check_host(LAMMPS *lmp, const char *who);

Fix *drift_boltzmann_creator(LAMMPS *lmp, int narg, char **arg);
Compute *drift_stein_creator(LAMMPS *lmp, int narg, char **arg);
#if defined(DRIFT_LAMMPS_KOKKOS)
// fix drift/boltzmann/kk and /kk/device (LAMMPS' device type), /kk/host (its host type):
// fix_drift_boltzmann_kokkos.cpp
Fix *drift_boltzmann_kk_creator(LAMMPS *lmp, int narg, char **arg);
Fix *drift_boltzmann_kk_host_creator(LAMMPS *lmp, int narg, char **arg);
#endif

// "lammps-drift X: fix drift/boltzmann, ...; built with LAMMPS ..., LibTorch ..., Kokkos ..."
std::string drift_build_info();
}    // namespace LAMMPS_NS

#endif
