#pragma once
// Settings of the training loop (shared by the YAML configuration and the LibTorch trainer).
#include <cstdint>
#include <string>

namespace drift {

struct TrainSettings {
  long steps = 10000;
  int batch = 512;
  int positives = 512;
  // > 0: the field is computed on chunks of this many generated rows (each with its share of the
  // positives) instead of the whole batch, so a step costs O(batch) instead of O(batch^2): a
  // step of batch B is then B / field_chunk steps' worth of field estimates under one update.
  int field_chunk = 0;
  double lr = 2e-4;
  long warmup = 500;
  double grad_clip = 2.0;
  // Exponential moving average of the weights (Deng et al. 2026 sample from it): the model file gets
  // the average, decay min(ema, (1 + t) / (10 + t)) at step t; 0: the last weights.
  double ema = 0.999;
  uint64_t seed = 0;
  long log_every = 200;
  long checkpoint_every = 1000;  // 0: no checkpoints
  std::string checkpoint;        // path
  bool resume = false;
  long stop_at = 0;  // > 0 and < steps: checkpoint after this step and return (steps_done = stop_at)
  bool quiet = false;
};

}  // namespace drift
