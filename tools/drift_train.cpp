// drift-train: trains a drifting generator (plain, FI or FK; coordinate or distance space)
// from force-labelled frames and writes a TorchScript model with its manifest inside.
#include "drift/allocator.hpp"
#include <iostream>

#include <CLI/CLI.hpp>

#include "drift/torch/train_molecule.hpp"
#include "drift/train_config.hpp"

int main(int argc, char** argv) {
  drift::keep_large_allocations_in_heap();
  std::string config_path;
  bool resume = false, quiet = false, check_only = false;
  std::string stein_model;
  CLI::App app{
      "drift-train: train a one-step Boltzmann generator from force-labelled frames.\n"
      "The YAML configuration is documented in docs/drift-train.md; paths in it are relative to its folder.\n"
      "A checkpoint <output>.ckpt is written every training.checkpoint_every steps; --resume continues from it\n"
      "to the same result as an uninterrupted run. The model is written atomically at the end."};
  app.add_option("config", config_path, "configuration file (YAML)")->required()->check(CLI::ExistingFile);
  app.add_flag("--resume", resume, "continue from <output>.ckpt");
  app.add_flag("-q,--quiet", quiet, "no progress output");
  app.add_flag("--check", check_only, "validate the configuration and exit");
  app.add_option("--add-stein-metric", stein_model,
                 "no training: add the Stein metric of the config's molecule and forcefield to MODEL, a model written "
                 "without one (needed by the fix's 'ksd' check)")
      ->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);
  try {
    const auto config = drift::read_train_config(config_path);
    if (check_only) {
      std::cout << config_path << ": configuration is valid\n";
      return 0;
    }
    if (!stein_model.empty()) {
      std::cout << drift::add_stein_metric(config, stein_model);
      if (!quiet) std::cerr << "drift-train: added the Stein metric to " << stein_model << "\n";
      return 0;
    }
    const auto s = drift::train_from_config(config, resume, quiet);
    if (!quiet)
      std::cerr << "drift-train: " << s.steps << " steps at " << s.steps_per_second << " steps/s on " << s.frames
                << " frames; wrote " << config.resolve(config.output) << "\n";
    std::cout << s.manifest;
  } catch (const std::exception& e) {
    std::cerr << "drift-train: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
