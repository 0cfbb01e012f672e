/* driftplugin.so: the lammps-drift styles for a LAMMPS built with the PLUGIN package and shared
   libraries ('plugin load driftplugin.so'). Build it against the same LAMMPS sources, MPI and
   compiler as that LAMMPS; 'plugin list' shows what it registered (lmp -h does not list
   plugin styles). */

#include "drift_styles.h"
#include "lammpsplugin.h"
#include "version.h"

#include <string>

using namespace LAMMPS_NS;

extern "C" void lammpsplugin_init(void *lmp, void *handle, void *regfunc)
{
  static const std::string info = drift_build_info();
  lammpsplugin_t plugin;
  lammpsplugin_regfunc register_plugin = (lammpsplugin_regfunc) regfunc;
  plugin.version = LAMMPS_VERSION;
  plugin.style = "fix";
  plugin.name = "drift/boltzmann";
  plugin.info = info.c_str();
  plugin.author = "lammps-drift developers";
  plugin.creator.v2 = (lammpsplugin_factory2 *) &drift_boltzmann_creator;
  plugin.handle = handle;
  (*register_plugin)(&plugin, lmp);

  plugin.style = "compute";
  plugin.name = "drift/stein";
  plugin.creator.v2 = (lammpsplugin_factory2 *) &drift_stein_creator;
  (*register_plugin)(&plugin, lmp);
}
