# Finds every dependency of lammps-drift. Each one comes from a Debian bookworm package;
# a missing one stops configuration with the package to install (or: run tools/setup.sh).

include(${CMAKE_CURRENT_LIST_DIR}/DriftCoreDependencies.cmake)

find_package(MPI COMPONENTS CXX QUIET)
drift_require(MPI_CXX_FOUND "MPI (C++)" "libopenmpi-dev openmpi-bin")

find_package(LAMMPS CONFIG QUIET)
drift_require(LAMMPS_FOUND "LAMMPS shared library (LAMMPSConfig.cmake)" "liblammps-dev lammps")

# Debian's liblammps-dev lacks fmt/ and most headers: style code compiles against the source
# tree of the same version, fetched by tools/setup.sh into .cache/lammps-src.
set(LAMMPS_SOURCE_DIR "${PROJECT_SOURCE_DIR}/.cache/lammps-src" CACHE PATH
    "LAMMPS source tree matching the installed liblammps (apt-get source lammps)")
if(NOT EXISTS "${LAMMPS_SOURCE_DIR}/src/lammps.h")
  message(FATAL_ERROR
    "lammps-drift: the LAMMPS source tree was not found in LAMMPS_SOURCE_DIR=${LAMMPS_SOURCE_DIR}.\n"
    "  Run tools/setup.sh (it adds a deb-src entry and runs 'apt-get source lammps'),\n"
    "  or pass -DLAMMPS_SOURCE_DIR=<tree of the same version as liblammps-dev>.")
endif()
file(STRINGS "${LAMMPS_SOURCE_DIR}/src/version.h" _lmp_version_line REGEX "LAMMPS_VERSION ")
string(REGEX REPLACE ".*\"(.*)\".*" "\\1" DRIFT_LAMMPS_VERSION "${_lmp_version_line}")

find_package(Torch QUIET)
drift_require(TORCH_FOUND "LibTorch (TorchConfig.cmake)" "libtorch-dev")
if(NOT TORCH_CXX_FLAGS MATCHES "_GLIBCXX_USE_CXX11_ABI=1" AND TORCH_CXX_FLAGS MATCHES "_GLIBCXX_USE_CXX11_ABI=0")
  message(FATAL_ERROR "lammps-drift: this LibTorch uses the pre-C++11 ABI (${TORCH_CXX_FLAGS}); "
                      "LAMMPS and lammps-drift use the C++11 ABI. Use Debian's libtorch-dev.")
endif()

find_package(Kokkos CONFIG QUIET)
drift_require(Kokkos_FOUND "Kokkos (KokkosConfig.cmake)" "libtrilinos-kokkos-dev")
# Debian installs Kokkos' headers under include/trilinos, which its exported target does not name.
find_path(DRIFT_KOKKOS_INCLUDE_DIR Kokkos_Core.hpp PATH_SUFFIXES trilinos)
drift_require(DRIFT_KOKKOS_INCLUDE_DIR "Kokkos headers (Kokkos_Core.hpp)" "libtrilinos-kokkos-dev")


find_package(CLI11 CONFIG QUIET)
drift_require(CLI11_FOUND "CLI11" "libcli11-dev")



if(DRIFT_BUILD_BENCHMARKS)
  find_package(benchmark CONFIG QUIET)
  drift_require(benchmark_FOUND "Google Benchmark" "libbenchmark-dev")
endif()

find_program(DRIFT_GNUPLOT gnuplot)
if(NOT DRIFT_GNUPLOT)
  message(FATAL_ERROR "lammps-drift: gnuplot not found (drift-compare draws its plots with it).\n"
                      "  Install the Debian package: apt-get install gnuplot-nox")
endif()

find_program(DRIFT_LMP lmp)
drift_require(DRIFT_LMP "the LAMMPS executable 'lmp'" "lammps")

message(STATUS "lammps-drift: LAMMPS ${DRIFT_LAMMPS_VERSION} (headers from ${LAMMPS_SOURCE_DIR}), "
               "LibTorch ${Torch_VERSION}, Kokkos ${Kokkos_VERSION}, MPI ${MPI_CXX_VERSION}")
