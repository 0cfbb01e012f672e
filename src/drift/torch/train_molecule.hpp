#pragma once
// drift-train's job: training frames + molecule + target temperature -> a TorchScript
// generator file with its manifest inside.
#include <string>

#include "drift/batch_comm.hpp"
#include "drift/manifest.hpp"
#include "drift/train_config.hpp"

namespace drift {

struct TrainSummary {
  long frames = 0;
  bool labelled_by_lammps = false;
  double r_hat = 1, r_hat_standard_error = 0, virial = 0, gamma = 0;
  double r_used = 1;  // r of the guidance: r_hat, or T / data_temperature when the config gives it
  std::string fk_energy_source;                           // FK: "labels" or "forces"
  double fk_energy_rms_error = -1, fk_energy_spread = 0;  // FK: force-integrated vs labelled beta E (-1: no labels)
  long steps = 0;
  bool stopped = false;  // stopped at TrainRun::stop_at: a checkpoint, no model
  double steps_per_second = 0;
  std::string manifest;
};

// How this invocation runs the configuration's training.
struct TrainRun {
  bool resume = false;  // continue from <output>.ckpt
  bool quiet = false;
  // > 0: stop after this step with a checkpoint and no model (a queue job's share of a long
  // training; --resume continues it exactly).
  long stop_at = 0;
  // drift-train under mpirun: data-parallel training (train() in trainer.hpp); every rank reads and
  // prepares the data, rank 0 alone prints progress and writes checkpoints and the model.
  const BatchComm* comm = nullptr;
};

TrainSummary train_from_config(const TrainConfig& config, const TrainRun& run);

// Adds the Stein metric (config's molecule and force field, the model's temperature) to the
// manifest of a model written without one, replacing the file atomically; returns the manifest.
std::string add_stein_metric(const TrainConfig& config, const std::string& model);

}  // namespace drift
