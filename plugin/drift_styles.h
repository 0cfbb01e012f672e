/* lammps-drift: the styles this package adds, and how a front end registers them. */
#ifndef LMP_DRIFT_STYLES_H
#define LMP_DRIFT_STYLES_H

#include <string>

namespace LAMMPS_NS {
class LAMMPS;
class Fix;
class Compute;

// Inserts every lammps-drift style into this LAMMPS instance's style maps (lmp_drift, tests).
// On LAMMPS 29Sep2021 'clear' rebuilds the maps: register again after it.
void drift_register_styles(LAMMPS *lmp);

Fix *drift_boltzmann_creator(LAMMPS *lmp, int narg, char **arg);
Compute *drift_stein_creator(LAMMPS *lmp, int narg, char **arg);

// "lammps-drift X: built with LAMMPS ..., LibTorch ..., Kokkos ..."
std::string drift_build_info();
}    // namespace LAMMPS_NS

#endif
