# Finds every dependency of lammps-drift. Each one comes from a Debian bookworm package;
# a missing one stops configuration with the package to install (or: run tools/setup.sh).
# A DRIFT_PLUGIN_ONLY build needs only what driftplugin.so links (MPI, LibTorch, Kokkos, yaml-cpp,
# nlohmann-json) and a LAMMPS source tree (cmake/DriftLammps.cmake); no gnuplot, GoogleTest,
# Google Benchmark, CLI11 or lmp.

include(${CMAKE_CURRENT_LIST_DIR}/DriftCoreDependencies.cmake)

find_package(MPI COMPONENTS CXX QUIET)
drift_require(MPI_CXX_FOUND "MPI (C++)" "libopenmpi-dev openmpi-bin")

# The LAMMPS source tree (headers), the installed LAMMPS, its version, sizes and packages.
include(${CMAKE_CURRENT_LIST_DIR}/DriftLammps.cmake)
if(NOT DRIFT_PLUGIN_ONLY)
  # Debian's liblammps-dev lacks fmt/ and most headers: style code compiles against the source
  # tree of the same version (LAMMPS_SOURCE_DIR), fetched by tools/setup.sh into .cache/lammps-src.
  drift_require(LAMMPS_FOUND "LAMMPS shared library (LAMMPSConfig.cmake)" "liblammps-dev lammps")
endif()

find_package(Torch QUIET)
drift_require(TORCH_FOUND "LibTorch (TorchConfig.cmake)" "libtorch-dev")
if(NOT TORCH_CXX_FLAGS MATCHES "_GLIBCXX_USE_CXX11_ABI=1" AND TORCH_CXX_FLAGS MATCHES "_GLIBCXX_USE_CXX11_ABI=0")
  message(FATAL_ERROR "lammps-drift: this LibTorch uses the pre-C++11 ABI (${TORCH_CXX_FLAGS}); "
                      "LAMMPS and lammps-drift use the C++11 ABI. Use Debian's libtorch-dev.")
endif()

# With a KOKKOS LAMMPS this must be the Kokkos that LAMMPS was built with (Kokkos_ROOT): one
# runtime, initialised by LAMMPS (driftplugin.so refuses to run beside another).
find_package(Kokkos CONFIG QUIET)
drift_require(Kokkos_FOUND "Kokkos (KokkosConfig.cmake)" "libtrilinos-kokkos-dev")
if(TARGET trilinos_kokkoscore)
  # Debian installs Kokkos' headers under include/trilinos, which its exported target does not name.
  find_path(DRIFT_KOKKOS_INCLUDE_DIR Kokkos_Core.hpp HINTS ${Kokkos_INCLUDE_DIRS} PATH_SUFFIXES trilinos)
  drift_require(DRIFT_KOKKOS_INCLUDE_DIR "Kokkos headers (Kokkos_Core.hpp)" "libtrilinos-kokkos-dev")
endif()

if(NOT DRIFT_PLUGIN_ONLY)
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

  drift_require(DRIFT_LAMMPS_LMP "the LAMMPS executable 'lmp'" "lammps")
endif()

if(DRIFT_PLUGIN_ONLY)
  set(_drift_what "plugin only")
else()
  set(_drift_what "everything")
endif()
message(STATUS "lammps-drift: LibTorch ${Torch_VERSION}, Kokkos ${Kokkos_VERSION} (${Kokkos_DIR}), MPI ${MPI_CXX_VERSION}; "
               "building ${_drift_what}")
