/* driftplugin.so: the lammps-drift styles for a LAMMPS built with the PLUGIN package and shared
   libraries ('plugin load driftplugin.so', or LAMMPS_PLUGIN_PATH on LAMMPS since 24 Mar 2022). Build
   it against the same LAMMPS sources, integer sizes, MPI and compiler as that LAMMPS (README: "Your
   own LAMMPS"). 'plugin list' shows what it registered (lmp -h does not list plugin styles).

   It is a small loader that needs nothing of LAMMPS but its C library interface and Error::all:
   it refuses a LAMMPS of another version or other integer sizes with what to change, then opens
   libdriftstyles.so from its own folder (the styles, LibTorch, Kokkos) and lets it register the
   styles. Opened directly, the styles would fail in LAMMPS' dlopen with an undefined symbol for a
   LAMMPS of other sizes (LAMMPS' C++ symbols are mangled with its tagint), and LAMMPS would go on
   without them. */

#include "drift_host_check.h"
#include "error.h"
#include "lammps.h"
#include "lammpsplugin.h"

#include <dlfcn.h>
#include <string>

using namespace LAMMPS_NS;

namespace {
constexpr const char *kStyles = "libdriftstyles.so";
}

extern "C" void lammpsplugin_init(void *lmp, void *handle, void *regfunc)
{
  Error *error = ((LAMMPS *) lmp)->error;
  const std::string mismatch = drift_host_mismatch(lmp, "driftplugin.so");
  if (!mismatch.empty()) error->all(FLERR, mismatch);

  Dl_info self;
  std::string folder = ".";
  if (dladdr((void *) &lammpsplugin_init, &self) && self.dli_fname) {
    folder = self.dli_fname;
    const auto slash = folder.rfind('/');
    folder = slash == std::string::npos ? "." : folder.substr(0, slash);
  }
  const std::string path = folder + "/" + kStyles;
  void *styles = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!styles) {
    const char *why = dlerror();
    error->all(FLERR, "driftplugin.so: cannot open " + path + " (" + (why ? why : "?") + "): " + kStyles +
                          " belongs next to driftplugin.so (cmake --install puts both in lib/lammps-drift)");
  }
  auto init = (lammpsplugin_initfunc) dlsym(styles, "drift_plugin_init");
  if (!init) error->all(FLERR, "driftplugin.so: " + path + " has no drift_plugin_init: rebuild lammps-drift");
  (*init)(lmp, handle, regfunc);
}
