/* lmp_drift: the LAMMPS executable with lammps-drift's styles registered. It behaves like
   'lmp' (same library, same command-line flags, -in or stdin, -partition, mpirun); the only
   difference is that fix drift/boltzmann and compute drift/stein exist. Modelled on LAMMPS' own
   src/main.cpp, whose error handling changed with the LAMMPS version (LAMMPS_VERSION_NUMBER, from
   CMake): LAMMPS since 15 Jun 2023 always throws its exceptions, earlier ones only when built with
   LAMMPS_EXCEPTIONS. */

#include "drift/allocator.hpp"
#include "drift_styles.h"
#include "exceptions.h"
#include "input.h"
#include "lammps.h"
#include "library.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mpi.h>

#if !defined(LAMMPS_VERSION_NUMBER)
#error "LAMMPS_VERSION_NUMBER (YYYYMMDD of the LAMMPS source tree) must come from CMake (cmake/DriftLammps.cmake)"
#endif
#if LAMMPS_VERSION_NUMBER >= 20230615 || defined(LAMMPS_EXCEPTIONS)
#define DRIFT_LAMMPS_THROWS 1
#endif

using namespace LAMMPS_NS;

int main(int argc, char **argv)
{
  drift::keep_large_allocations_in_heap();
  MPI_Init(&argc, &argv);
  MPI_Comm comm = MPI_COMM_WORLD;
#if defined(DRIFT_LAMMPS_THROWS)
  try {
    LAMMPS *lmp = new LAMMPS(argc, argv, comm);
    drift_register_styles(lmp);
    lmp->input->file();
    delete lmp;
  } catch (LAMMPSAbortException &ae) {
    // error->one has written its message (screen, log) without flushing: MPI_Abort would lose it.
    fflush(nullptr);
    lammps_kokkos_finalize();
#if LAMMPS_VERSION_NUMBER >= 20230615
    MPI_Abort(ae.get_universe(), 1);
#else
    MPI_Abort(ae.universe, 1);
#endif
  } catch (LAMMPSException &) {
    lammps_kokkos_finalize();
    MPI_Barrier(comm);
    MPI_Finalize();
    exit(1);
  } catch (std::exception &e) {
    fprintf(stderr, "Exception: %s\n", e.what());
    lammps_kokkos_finalize();
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
#else
  LAMMPS *lmp = new LAMMPS(argc, argv, comm);
  drift_register_styles(lmp);
  lmp->input->file();
  delete lmp;
#endif
  // A KOKKOS LAMMPS finalises Kokkos after the instance is gone, as LAMMPS' main() does.
  lammps_kokkos_finalize();
  MPI_Barrier(comm);
  MPI_Finalize();
  return 0;
}
