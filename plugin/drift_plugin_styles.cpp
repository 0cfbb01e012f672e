/* libdriftstyles.so: the styles behind driftplugin.so. driftplugin.so (driftplugin.cpp) checks the
   host first and then opens this library from its own folder and calls drift_plugin_init, which
   registers every style through LAMMPS' plugin registration callback. */

#include "drift_styles.h"
#include "lammpsplugin.h"
#include "version.h"

#include <string>

using namespace LAMMPS_NS;

extern "C" void drift_plugin_init(void *lmp, void *handle, void *regfunc)
{
  drift_check_host((LAMMPS *) lmp, "driftplugin.so");
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

#if defined(DRIFT_LAMMPS_KOKKOS)
  // As LAMMPS registers its KOKKOS styles: /kk and /kk/device on its device type, /kk/host on its
  // host type ('-sf kk' turns 'drift/boltzmann' into 'drift/boltzmann/kk').
  plugin.style = "fix";
  plugin.name = "drift/boltzmann/kk";
  plugin.creator.v2 = (lammpsplugin_factory2 *) &drift_boltzmann_kk_creator;
  (*register_plugin)(&plugin, lmp);
  plugin.name = "drift/boltzmann/kk/device";
  (*register_plugin)(&plugin, lmp);
  plugin.name = "drift/boltzmann/kk/host";
  plugin.creator.v2 = (lammpsplugin_factory2 *) &drift_boltzmann_kk_host_creator;
  (*register_plugin)(&plugin, lmp);
#endif
}
