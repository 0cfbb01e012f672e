// driftplugin.so: its lammpsplugin_init registers fix drift/boltzmann with version information,
// and the registered factory runs the fix inside a LAMMPS instance. Debian's LAMMPS has no
// PLUGIN package, so this test plays the loader's part: dlopen, call lammpsplugin_init with a
// registration callback, insert the factory into the style map (as plugin.cpp does).
#include <dlfcn.h>

#include <gtest/gtest.h>
#include <mpi.h>

#include <string>

#include "fix.h"
#include "input.h"
#include "lammps.h"
#include "lammpsplugin.h"
#include "modify.h"

namespace {

struct Registered {
  std::string style, name, info, version;
  lammpsplugin_factory2* factory = nullptr;
  int calls = 0;
};
Registered registered;

void register_plugin(lammpsplugin_t* plugin, void* lmp_ptr) {
  registered.calls++;
  registered.style = plugin->style;
  registered.name = plugin->name;
  registered.info = plugin->info;
  registered.version = plugin->version;
  registered.factory = plugin->creator.v2;
  auto* lmp = static_cast<LAMMPS_NS::LAMMPS*>(lmp_ptr);
  (*lmp->modify->fix_map)[plugin->name] = reinterpret_cast<LAMMPS_NS::Modify::FixCreator>(plugin->creator.v2);
}

}  // namespace

TEST(DriftPlugin, InitRegistersTheFixAndItRuns) {
  void* handle = dlopen(DRIFT_PLUGIN_PATH, RTLD_NOW | RTLD_GLOBAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  auto init = reinterpret_cast<lammpsplugin_initfunc>(dlsym(handle, "lammpsplugin_init"));
  ASSERT_NE(init, nullptr) << "driftplugin.so exports no lammpsplugin_init";

  const char* args[] = {"lmp", "-log", "none", "-screen", "none", "-nocite"};
  auto* lmp = new LAMMPS_NS::LAMMPS(6, const_cast<char**>(args), MPI_COMM_WORLD);
  init(lmp, handle, reinterpret_cast<void*>(&register_plugin));
  EXPECT_EQ(registered.calls, 1);
  EXPECT_EQ(registered.style, "fix");
  EXPECT_EQ(registered.name, "drift/boltzmann");
  EXPECT_NE(registered.info.find("LibTorch 1."), std::string::npos) << registered.info;
  EXPECT_NE(registered.info.find("Kokkos 3."), std::string::npos) << registered.info;
  EXPECT_NE(registered.info.find("LAMMPS 29 Sep 2021"), std::string::npos) << registered.info;
  EXPECT_NE(registered.factory, nullptr);

  const std::string src = DRIFT_SOURCE_DIR;
  for (const std::string line :
       {"include " + src + "/examples/ethanol/forcefield.lmp", "read_data " + src + "/examples/ethanol/ethanol.data",
        std::string("replicate 2 1 1"), std::string("neigh_modify exclude molecule/inter all"),
        "fix s all drift/boltzmann 1 " + src + "/potentials/ethanol-fi-dist.pt seed 5", std::string("run 3")})
    lmp->input->one(line);
  auto* fix = lmp->modify->fix[lmp->modify->find_fix("s")];
  EXPECT_STREQ(fix->style, "drift/boltzmann");
  EXPECT_EQ(fix->compute_vector(0), 3.0);  // three sampling events
  EXPECT_EQ(fix->compute_vector(1), 6.0);  // of two replicas each
  EXPECT_GT(fix->compute_vector(2), 0.0);  // with their LAMMPS energies
  delete lmp;
}
