#pragma once
// The Kokkos runtime this code is linked with, for callers without Kokkos headers (the LAMMPS
// styles): whether it is initialised, and its version. A KOKKOS LAMMPS run with '-k on' initialises
// its Kokkos before any style is created; when that is this runtime, kokkos_initialized() is true
// there (drift_check_host in plugin/drift_styles.cpp refuses a plugin with a Kokkos of its own).
#include <string>

namespace drift::replica {

bool kokkos_initialized();
std::string kokkos_version();  // "3.4.1"

}  // namespace drift::replica
