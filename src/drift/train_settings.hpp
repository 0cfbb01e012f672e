#pragma once
// Settings of the training loop (shared by the YAML configuration and the LibTorch trainer).
#include <cstdint>
#include <string>

namespace drift {

struct TrainSettings {
  long steps = 10000;
  int batch = 512;
  int positives = 512;
  double lr = 2e-4;
  long warmup = 500;
  double grad_clip = 2.0;
  uint64_t seed = 0;
  long log_every = 200;
  long checkpoint_every = 1000;  // 0: no checkpoints
  std::string checkpoint;        // path
  bool resume = false;
  bool quiet = false;
};

}  // namespace drift
