// drift-sample: one forward pass of a trained generator -> conformations (extxyz), with
// LAMMPS energies and forces when a force field is given. The trainer's own evaluation path.
#include "drift/allocator.hpp"
#include <torch/script.h>
#include <torch/torch.h>

#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>

#include "drift/atomic_file.hpp"
#include "drift/counter_rng.hpp"
#include "drift/conformation_writer.hpp"
#include "drift/lammps_labeller.hpp"
#include "drift/torch/model_file.hpp"
#include "drift/manifest.hpp"
#include "drift/topology.hpp"

int main(int argc, char** argv) {
  drift::keep_large_allocations_in_heap();
  std::string model_path, data, forcefield, output;
  long count = 10000;
  uint64_t seed = 1;
  int threads = 2;
  CLI::App app{"drift-sample: draw conformations from a drift generator (TorchScript + manifest) in one forward pass."};
  app.add_option("model", model_path, "model file written by drift-train")->required()->check(CLI::ExistingFile);
  app.add_option("-d,--data", data, "LAMMPS data file of the molecule (checked against the manifest)")->required()->check(CLI::ExistingFile);
  app.add_option("-n,--count", count, "number of conformations")->check(CLI::PositiveNumber);
  app.add_option("-o,--output", output, "output extxyz file")->required();
  app.add_option("--forcefield", forcefield, "LAMMPS force-field input: adds energies and forces")->check(CLI::ExistingFile);
  app.add_option("--seed", seed, "noise seed");
  app.add_option("--threads", threads, "LibTorch threads");
  CLI11_PARSE(app, argc, argv);
  try {
    torch::set_num_threads(threads);
    const auto topo = drift::read_lammps_data(data);
    auto file = drift::open_model_file(model_path, torch::kCPU);
    auto& model = file.module;
    const auto& manifest = file.manifest;
    if (manifest.n_atoms != topo.n_atoms || manifest.types != topo.types)
      throw std::runtime_error(model_path + ": the model's molecule (" + std::to_string(manifest.n_atoms) +
                               " atoms) does not match " + data + " (" + std::to_string(topo.n_atoms) + " atoms) or its atom types differ");
    const int noise_dim = manifest.noise_dim;
    // The fix's noise: conformation k is what fix drift/boltzmann ... seed S generates (before
    // placement) for molecule ID k at its first event on the first partition.
    auto z = torch::empty({count, noise_dim});
    drift::CounterKey key;
    key.seed = seed;
    drift::fill_normal_rows(key, 1, count, noise_dim, z.data_ptr<float>());
    torch::NoGradGuard no_grad;
    const auto t0 = std::chrono::steady_clock::now();
    const auto x = model.forward({z}).toTensor().to(torch::kFloat64).contiguous();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cerr << "drift-sample: " << count << " conformations in " << secs << " s (" << count / secs << " /s)\n";
    std::vector<drift::Conformation> confs(count);
    for (long k = 0; k < count; ++k) {
      confs[k].x.assign(x[k].data_ptr<double>(), x[k].data_ptr<double>() + 3 * topo.n_atoms);
      confs[k].frame = k + 1;
    }
    if (!forcefield.empty()) {
      drift::LabellerSettings ls;
      ls.data_file = data;
      ls.forcefield_file = forcefield;
      drift::LammpsLabeller labeller(topo, ls);
      labeller.label(confs);
    }
    drift::AtomicFile out(output);
    for (const auto& c : confs) drift::write_conformation_extxyz(out.stream(), topo, c, manifest.units);
    out.commit();
  } catch (const std::exception& e) {
    std::cerr << "drift-sample: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
