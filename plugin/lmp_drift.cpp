/* lmp_drift: the LAMMPS executable with lammps-drift's styles registered. It behaves like
   'lmp' (same library, same command-line flags, -in or stdin, -partition, mpirun); the only
   difference is that fix drift/boltzmann and compute drift/stein exist. Modelled on LAMMPS' own
   src/main.cpp. */

#include "drift/allocator.hpp"
#include "drift_styles.h"
#include "input.h"
#include "lammps.h"

#if defined(LAMMPS_EXCEPTIONS)
#include "exceptions.h"
#endif

#include <cstdio>
#include <cstdlib>
#include <mpi.h>

using namespace LAMMPS_NS;

int main(int argc, char **argv)
{
  drift::keep_large_allocations_in_heap();
  MPI_Init(&argc, &argv);
  MPI_Comm comm = MPI_COMM_WORLD;
#if defined(LAMMPS_EXCEPTIONS)
  try {
    LAMMPS *lmp = new LAMMPS(argc, argv, comm);
    drift_register_styles(lmp);
    lmp->input->file();
    delete lmp;
  } catch (LAMMPSAbortException &ae) {
    MPI_Abort(ae.universe, 1);
  } catch (LAMMPSException &) {
    MPI_Barrier(comm);
    MPI_Finalize();
    exit(1);
  }
#else
  LAMMPS *lmp = new LAMMPS(argc, argv, comm);
  drift_register_styles(lmp);
  lmp->input->file();
  delete lmp;
#endif
  MPI_Barrier(comm);
  MPI_Finalize();
  return 0;
}
