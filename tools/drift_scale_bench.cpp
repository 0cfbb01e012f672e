// drift-scale-bench: how fix drift/boltzmann's cost per rank follows the rank's share of the
// molecules. For each molecule count: samples/s, resident memory per rank (after setting up the
// box, and the peak while sampling), and the bytes each rank sends to others per sampling event
// (counted by the fix, f_ID[14], so the figure is exact on an oversubscribed machine too).
//   mpirun -np K drift-scale-bench [--molecules 1000,10000,100000,1000000] [--events 5]
//                                  [--model potentials/ethanol-fi-dist.pt] [--chunk auto]
//                                  [--data examples/ethanol/ethanol.data --forcefield examples/ethanol/forcefield.lmp]
// tools/scale-bench.sh runs it for 1, 2, 4 and 8 ranks and prints one table.
#include "drift/allocator.hpp"
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "drift/topology.hpp"
#include "drift_styles.h"
#include "fix.h"
#include "input.h"
#include "lammps.h"
#include "modify.h"

namespace {

// VmRSS and VmHWM of this process in MiB (/proc/self/status); -1 where unavailable.
void memory_mib(double& rss, double& hwm) {
  rss = hwm = -1;
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    double kib = 0;
    if (std::sscanf(line.c_str(), "VmRSS: %lf kB", &kib) == 1) rss = kib / 1024;
    if (std::sscanf(line.c_str(), "VmHWM: %lf kB", &kib) == 1) hwm = kib / 1024;
  }
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so the peak that follows is the sampling's own.
bool reset_peak() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

// n = nx * ny * nz as cubic as the divisors of n allow.
void box_shape(int n, int& nx, int& ny, int& nz) {
  nx = ny = 1;
  nz = n;
  double best = 1e300;
  for (int a = 1; a * a * a <= n; ++a) {
    if (n % a) continue;
    for (int b = a; a * b * b <= n; ++b) {
      if ((n / a) % b) continue;
      const int c = n / a / b;
      const double spread = static_cast<double>(c) / a;
      if (spread < best) {
        best = spread;
        nx = c;
        ny = b;
        nz = a;
      }
    }
  }
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
  std::vector<int> molecules{1000, 10000, 100000, 1000000};
  int events = 5;
  std::string chunk = "auto";
  bool header = true;
  CLI::App app{"drift-scale-bench: fix drift/boltzmann samples/s, memory and bytes sent per rank against the molecule count"};
  app.add_option("--model", model, "generator (default: potentials/ethanol-fi-dist.pt)");
  app.add_option("--molecules", molecules, "molecule counts")->delimiter(',')->check(CLI::PositiveNumber);
  app.add_option("--events", events, "timed sampling events per count (after 2 untimed ones)")->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--chunk", chunk, "the fix's chunk keyword (generator rows per call: auto or a number)")->capture_default_str();
  app.add_option("--data", data, "LAMMPS data file of one molecule (the model's)")->capture_default_str()->check(CLI::ExistingFile);
  app.add_option("--forcefield", forcefield, "its force-field settings (included before read_data)")
      ->capture_default_str()->check(CLI::ExistingFile);
  app.add_flag("!--no-header", header, "omit the table header (for tools/scale-bench.sh)");
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
    if (me == 0) std::fprintf(stderr, "drift-scale-bench: %s\n", e.what());
    MPI_Finalize();
    return 1;
  }
  if (me == 0 && header)
    std::printf("fix drift/boltzmann, %s, energy no, chunk %s, %d timed events per size\n\n"
                "| ranks | molecules | atoms | samples/s | fix's own samples/s (median event) | RSS before sampling (MiB, max rank) | peak while sampling (MiB, max rank) "
                "| added by sampling (MiB, max rank) | bytes sent per event (max rank) | straddling molecules per event |\n"
                "|---|---|---|---|---|---|---|---|---|---|\n",
                data.c_str(), chunk.c_str(), events);
  for (int n : molecules) {
    int nx, ny, nz;
    box_shape(n, nx, ny, nz);
    const char* args[] = {"lmp", "-log", "none", "-screen", "none", "-nocite"};
    auto lmp = std::make_unique<LAMMPS_NS::LAMMPS>(6, const_cast<char**>(args), MPI_COMM_WORLD);
    LAMMPS_NS::drift_register_styles(lmp.get());
    const std::string setup = "include " + forcefield + "\nread_data " + data + "\nreplicate " + std::to_string(nx) + " " +
                              std::to_string(ny) + " " + std::to_string(nz) +
                              "\nneigh_modify exclude molecule/inter all\nfix s all drift/boltzmann 1 " + model +
                              " seed 1 energy no chunk " + chunk + "\nrun 0 post no\n";
    std::istringstream in(setup);
    for (std::string line; std::getline(in, line);) lmp->input->one(line);
    // The box and the model are in memory, nothing has been sampled yet: what sampling adds is
    // the peak from here on (the warm-up events included: their scratch stays in the heap).
    double rss = 0, hwm = 0;
    memory_mib(rss, hwm);
    const bool own_peak = reset_peak();
    lmp->input->one("run 2 pre no post no");
    MPI_Barrier(MPI_COMM_WORLD);
    auto* fix = lmp->modify->fix[lmp->modify->find_fix("s")];
    // One event per run, to read the fix's own rate (f_ID[5]) after each: the median is robust to
    // a busy machine's stray slow event.
    std::vector<double> own_rates;
    const double t0 = MPI_Wtime();
    for (int e = 0; e < events; ++e) {
      lmp->input->one("run 1 pre no post no");
      own_rates.push_back(fix->compute_vector(4));
    }
    MPI_Barrier(MPI_COMM_WORLD);
    const double seconds = MPI_Wtime() - t0;
    std::sort(own_rates.begin(), own_rates.end());
    const double own_rate = events % 2 ? own_rates[events / 2] : 0.5 * (own_rates[events / 2 - 1] + own_rates[events / 2]);
    double rss_after = 0, peak = 0;
    memory_mib(rss_after, peak);
    const double bytes = fix->compute_vector(13), straddlers = fix->compute_vector(12);
    // The run's samples/s includes what LAMMPS does every step besides the fix (neighbour lists
    // rebuilt after every placement, forces); f_ID[5] is the fix's own rate: gather, generate, place,
    // scatter (rank 0's clock), its median over the events.
    const double mine[3] = {rss, peak, own_peak ? peak - rss : -1};
    double worst[3] = {0, 0, 0};
    MPI_Reduce(mine, worst, 3, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    lmp.reset();
    if (me == 0) {
      char own[32] = "n/a";
      if (own_peak) std::snprintf(own, sizeof own, "%.1f", worst[2]);
      std::printf("| %d | %d | %lld | %.0f | %.0f | %.1f | %.1f | %s | %.0f | %.0f |\n", nprocs, n,
                  static_cast<long long>(n) * atoms_per_molecule, static_cast<double>(n) * events / seconds, own_rate,
                  worst[0], worst[1],
                  own, bytes, straddlers);
      std::fflush(stdout);
    }
  }
  MPI_Finalize();
  return 0;
}
