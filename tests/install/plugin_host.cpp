// lmp with LAMMPS' own 'plugin' command, for the install test on the Debian path: Debian's LAMMPS
// 29 Sep 2021 has no PLUGIN package, so this front end compiles PLUGIN/plugin.cpp of the
// LAMMPS_SOURCE_DIR tree (the loader every PLUGIN LAMMPS of that version runs: dlopen with
// RTLD_NOW | RTLD_GLOBAL, lammpsplugin_init, style registration) and registers it as the 'plugin'
// command. Nothing of lammps-drift is linked: fix drift/boltzmann exists only once a plugin is loaded.
#include "input.h"
#include "lammps.h"
#include "plugin.h"

#include <mpi.h>

using namespace LAMMPS_NS;

static Command *plugin_command(LAMMPS *lmp) { return new Plugin(lmp); }

int main(int argc, char **argv)
{
  MPI_Init(&argc, &argv);
  LAMMPS *lmp = new LAMMPS(argc, argv, MPI_COMM_WORLD);
  (*lmp->input->command_map)["plugin"] = &plugin_command;
  lmp->input->file();
  delete lmp;
  MPI_Finalize();
  return 0;
}
