// drift-fix-bench: conformations generated and placed per second by fix drift/boltzmann for
// 1, 64, 1024 and 8192 replicas of a molecule, with and without LAMMPS energies, next to plain MD
// of the same box and force field with the MD inputs' dynamics (examples/in.md: Langevin, GJF
// integrator, 0.5 fs, at the given temperature) in steps per second. Run it on the cores to measure:
//   mpirun -np 2 drift-fix-bench [--model potentials/ethanol-fi-dist.pt] [--replicas 1,64,1024,8192]
//                                [--data examples/ethanol/ethanol.data --forcefield examples/ethanol/forcefield.lmp]
#include "drift/allocator.hpp"
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "drift/topology.hpp"
#include "drift_styles.h"
#include "input.h"
#include "lammps.h"

namespace {

// Seconds for `steps` steps of the given commands (setup excluded).
double time_run(const std::string& box, const std::string& commands, int steps) {
  const char* args[] = {"lmp", "-log", "none", "-screen", "none", "-nocite"};
  auto lmp = std::make_unique<LAMMPS_NS::LAMMPS>(6, const_cast<char**>(args), MPI_COMM_WORLD);
  LAMMPS_NS::drift_register_styles(lmp.get());
  // Warm-up steps: LibTorch's profiling executor specialises the graph on its first calls.
  std::istringstream in(box + commands + "run 3 post no\n");
  for (std::string line; std::getline(in, line);) lmp->input->one(line);
  MPI_Barrier(MPI_COMM_WORLD);
  const double t0 = MPI_Wtime();
  lmp->input->one("run " + std::to_string(steps) + " pre no post no");
  MPI_Barrier(MPI_COMM_WORLD);
  return MPI_Wtime() - t0;
}

}  // namespace

int main(int argc, char** argv) {
  drift::keep_large_allocations_in_heap();
  MPI_Init(&argc, &argv);
  int me = 0, nprocs = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &me);
  MPI_Comm_size(MPI_COMM_WORLD, &nprocs);
  std::string source = DRIFT_SOURCE_DIR, model;
  std::string data = source + "/examples/ethanol/ethanol.data", forcefield = source + "/examples/ethanol/forcefield.lmp";
  std::vector<int> replicas{1, 64, 1024, 8192};
  double temperature = 500;
  CLI::App app{"drift-fix-bench: fix drift/boltzmann throughput versus plain LAMMPS MD (Langevin, as examples/in.md) on the same box"};
  app.add_option("--model", model, "generator (default: potentials/ethanol-fi-dist.pt)");
  app.add_option("--replicas", replicas, "replica counts")->delimiter(',');
  app.add_option("--data", data, "LAMMPS data file of one molecule (the model's)")->capture_default_str()->check(CLI::ExistingFile);
  app.add_option("--forcefield", forcefield, "its force-field settings (included before read_data)")
      ->capture_default_str()->check(CLI::ExistingFile);
  app.add_option("--temperature", temperature, "MD temperature (K)")->capture_default_str()->check(CLI::PositiveNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = me == 0 ? app.exit(e) : 1;
    MPI_Finalize();
    return rc;
  }
  if (model.empty()) model = source + "/potentials/ethanol-fi-dist.pt";
  int atoms_per_molecule = 0;
  try {
    atoms_per_molecule = drift::read_lammps_data(data).n_atoms;
  } catch (const std::exception& e) {
    if (me == 0) std::fprintf(stderr, "drift-fix-bench: %s\n", e.what());
    MPI_Finalize();
    return 1;
  }
  if (me == 0)
    std::printf("fix drift/boltzmann vs MD (Langevin %g K, GJF, 0.5 fs), %s, intermolecular pairs excluded, %d MPI rank(s)\n\n"
                "| replicas | atoms | samples/s (no energy) | samples/s (with LAMMPS energy) | MD steps/s | MD molecule-steps/s |\n"
                "|---|---|---|---|---|---|\n", temperature, data.c_str(), nprocs);
  for (int n : replicas) {
    int nx = 1, ny = 1, nz = 1;  // n = nx * ny * nz, as cubic as powers of two allow
    for (int k = n; k > 1; k /= 2) {
      if (nx <= ny && nx <= nz) nx *= 2;
      else if (ny <= nz) ny *= 2;
      else nz *= 2;
    }
    if (nx * ny * nz != n) {
      if (me == 0) std::fprintf(stderr, "drift-fix-bench: %d is not a power of two; skipped\n", n);
      continue;
    }
    const std::string box = "include " + forcefield + "\nread_data " + data + "\nvariable permol equal $(count(all))\nreplicate " +
                            std::to_string(nx) + " " + std::to_string(ny) + " " + std::to_string(nz) +
                            "\nneigh_modify exclude molecule/inter all\n";
    char t[32];
    std::snprintf(t, sizeof t, "%g", temperature);
    const std::string md = std::string("timestep 0.5\nvelocity all create ") + t + " 1\nfix t all langevin " + t + " " + t +
                           " 100.0 1 zero no gjf vhalf\nfix i all nve\n";
    // About 1 s per measurement on 2 cores; best of 3, so that a busy neighbour on a shared
    // machine does not decide the number.
    const int events = std::clamp(200000 / n, 5, 2000);
    const int md_steps = std::clamp(800000 / n, 20, 2000);
    const std::string fix = "fix s all drift/boltzmann 1 " + model + " seed 1";
    double t_plain = 1e300, t_energy = 1e300, t_md = 1e300;
    for (int repeat = 0; repeat < 3; ++repeat) {
      t_plain = std::min(t_plain, time_run(box, fix + " energy no\n", events));
      t_energy = std::min(t_energy, time_run(box, fix + " energy yes\n", events));
      t_md = std::min(t_md, time_run(box, md, md_steps));
    }
    if (me == 0) {
      std::printf("| %d | %d | %.0f | %.0f | %.0f | %.0f |\n", n, atoms_per_molecule * n, n * events / t_plain, n * events / t_energy,
                  md_steps / t_md, static_cast<double>(n) * md_steps / t_md);
      std::fflush(stdout);
    }
  }
  MPI_Finalize();
  return 0;
}
