// driftplugin.so: its lammpsplugin_init registers fix drift/boltzmann and compute drift/stein with
// version information, and the registered factories run them inside a LAMMPS instance. Debian's LAMMPS has no
// PLUGIN package, so this test plays the loader's part: dlopen, call lammpsplugin_init with a
// registration callback, insert the factory into the style map (as plugin.cpp does).
#include <dlfcn.h>

#include <gtest/gtest.h>
#include <mpi.h>

#include <string>
#include <vector>

#include "compute.h"
#include "fix.h"
#include "input.h"
#include "lammps.h"
#include "lammpsplugin.h"
#include "modify.h"
#include "version.h"

namespace {

struct Registered {
  std::string style, name, info, version;
  lammpsplugin_factory2* factory = nullptr;
};
std::vector<Registered> registered;

void register_plugin(lammpsplugin_t* plugin, void* lmp_ptr) {
  registered.push_back({plugin->style, plugin->name, plugin->info, plugin->version, plugin->creator.v2});
  auto* lmp = static_cast<LAMMPS_NS::LAMMPS*>(lmp_ptr);
  if (registered.back().style == "compute")
    (*lmp->modify->compute_map)[plugin->name] = reinterpret_cast<LAMMPS_NS::Modify::ComputeCreator>(plugin->creator.v2);
  else
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
#if defined(DRIFT_LAMMPS_KOKKOS)
  ASSERT_EQ(registered.size(), 5u);  // and fix drift/boltzmann/kk, /kk/device, /kk/host
#else
  ASSERT_EQ(registered.size(), 2u);
#endif
  EXPECT_EQ(registered[0].style, "fix");
  EXPECT_EQ(registered[0].name, "drift/boltzmann");
  EXPECT_EQ(registered[1].style, "compute");
  EXPECT_EQ(registered[1].name, "drift/stein");
  for (const auto& r : registered) {
    EXPECT_NE(r.info.find("LibTorch 1."), std::string::npos) << r.info;
    EXPECT_NE(r.info.find(", Kokkos "), std::string::npos) << r.info;
    EXPECT_NE(r.info.find(std::string("LAMMPS ") + LAMMPS_VERSION), std::string::npos) << r.info;
    EXPECT_NE(r.factory, nullptr);
  }

  const std::string src = DRIFT_SOURCE_DIR;
  for (const std::string& line :
       {"include " + src + "/examples/ethanol/forcefield.lmp", "read_data " + src + "/examples/ethanol/ethanol.data",
        std::string("replicate 2 1 1"), std::string("neigh_modify exclude molecule/inter all"),
        "fix s all drift/boltzmann 1 " + src + "/potentials/ethanol-fi-dist.pt seed 5",
        "compute c all drift/stein temp 500 ksd 2 metric " + src + "/potentials/ethanol-fi-dist.pt",
        std::string("thermo_style custom step f_s[7] c_c[1] c_c[3]"), std::string("run 3")})
    lmp->input->one(line);
  auto* fix = lmp->modify->fix[lmp->modify->find_fix("s")];
  EXPECT_STREQ(fix->style, "drift/boltzmann");
  EXPECT_EQ(fix->compute_vector(0), 3.0);  // three sampling events
  EXPECT_EQ(fix->compute_vector(1), 6.0);  // of two replicas each
  EXPECT_GT(fix->compute_vector(2), 0.0);  // with their LAMMPS energies
  auto* compute = lmp->modify->compute[lmp->modify->find_compute("c")];
  EXPECT_STREQ(compute->style, "drift/stein");
  EXPECT_EQ(compute->invoked_vector, 3);       // by thermo at the last step
  EXPECT_EQ(compute->vector[4], 2.0);          // two molecules
  EXPECT_EQ(compute->vector[0], fix->compute_vector(6));  // T_conf/T of the last batch: the fix's
  delete lmp;
}
