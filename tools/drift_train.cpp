// drift-train: trains a drifting generator (plain, FI or FK; coordinate or distance space)
// from force-labelled frames and writes a TorchScript model with its manifest inside.
#include "drift/allocator.hpp"
#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

#include "drift/mpi_batch_comm.hpp"
#include "drift/torch/train_molecule.hpp"
#include "drift/train_config.hpp"

int main(int argc, char** argv) {
  drift::keep_large_allocations_in_heap();
  // Under mpirun -np K: data-parallel training over K ranks (docs/drift-train.md).
  drift::MpiSession mpi(&argc, &argv);
  std::string config_path;
  bool resume = false, quiet = false, check_only = false;
  long stop_at = 0;
  std::string stein_model;
  CLI::App app{
      "drift-train: train a one-step Boltzmann generator from force-labelled frames.\n"
      "The YAML configuration is documented in docs/drift-train.md; paths in it are relative to its folder.\n"
      "A checkpoint <output>.ckpt is written every training.checkpoint_every steps; --resume continues from it\n"
      "to the same result as an uninterrupted run. The model is written atomically at the end.\n"
      "Under 'mpirun -np K' the batch is split over K ranks (data-parallel; the same model as one rank,\n"
      "up to float rounding); 'threads' in the configuration is then per rank."};
  app.add_option("config", config_path, "configuration file (YAML)")->required()->check(CLI::ExistingFile);
  app.add_flag("--resume", resume, "continue from <output>.ckpt");
  app.add_flag("-q,--quiet", quiet, "no progress output");
  app.add_option("--stop-at", stop_at,
                 "stop after this step with a checkpoint and no model (one queue job's share of a long training); "
                 "--resume continues it exactly")
      ->check(CLI::PositiveNumber);
  app.add_flag("--check", check_only, "validate the configuration and exit");
  app.add_option("--add-stein-metric", stein_model,
                 "no training: add the Stein metric of the config's molecule and forcefield to MODEL, a model written "
                 "without one (needed by the fix's 'ksd' check)")
      ->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);
  try {
    const auto config = drift::read_train_config(config_path);
    if (check_only) {
      if (mpi.rank() == 0) std::cout << config_path << ": configuration is valid\n";
      return 0;
    }
    if (!stein_model.empty()) {
      if (mpi.size() > 1) throw std::runtime_error("--add-stein-metric runs on one process: start it without mpirun");
      std::cout << drift::add_stein_metric(config, stein_model);
      if (!quiet) std::cerr << "drift-train: added the Stein metric to " << stein_model << "\n";
      return 0;
    }
    std::unique_ptr<drift::MpiBatchComm> comm;
    if (mpi.size() > 1) comm = std::make_unique<drift::MpiBatchComm>();
    const auto s = drift::train_from_config(config, drift::TrainRun{resume, quiet, stop_at, comm.get()});
    if (mpi.rank() != 0) return 0;
    if (s.stopped) {
      if (!quiet)
        std::cerr << "drift-train: stopped after step " << s.steps << " of " << config.training.steps << "; checkpoint "
                  << config.resolve(config.output) << ".ckpt (continue with --resume)\n";
      return 0;
    }
    if (!quiet)
      std::cerr << "drift-train: " << s.steps << " steps at " << s.steps_per_second << " steps/s on " << s.frames
                << " frames; wrote " << config.resolve(config.output) << "\n";
    std::cout << s.manifest;
  } catch (const std::exception& e) {
    // One write per message: under mpirun the ranks' messages would interleave otherwise.
    const std::string message = "drift-train: error" +
                                (mpi.size() > 1 ? " on rank " + std::to_string(mpi.rank()) : std::string()) + ": " + e.what() + "\n";
    std::fputs(message.c_str(), stderr);
    // The other ranks would wait for this one in their next collective.
    if (mpi.size() > 1) mpi.abort_all(1);
    return 1;
  }
  return 0;
}
