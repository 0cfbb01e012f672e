#pragma once
// The drifting field of Deng et al. (2026) with force-guidance hooks (Hu 2026), on one
// feature group: attraction to positives (data) minus repulsion from the generated batch,
// kernels normalised by a softmax over targets and over the batch, distances normalised by
// their batch mean, one field per kernel temperature, each scaled to unit RMS, summed.
#include <torch/torch.h>

#include <vector>

#include "drift/batch_comm.hpp"

namespace drift {

enum class Kernel { Laplace, Gaussian };

struct FieldSettings {
  Kernel kernel = Kernel::Laplace;
  // Laplace: logits -d/tau; Gaussian: -d^2/(2 tau^2); d = distance / mean distance.
  std::vector<double> temperatures{0.02, 0.05, 0.2};
  bool normalise_drift = true;  // scale each temperature's field to unit RMS (off: raw field, for tests)
};

// Default temperatures for a kernel: the Gaussian ones match the Laplace logits at the
// mean distance (tau_G = sqrt(tau_L / 2)).
std::vector<double> default_temperatures(Kernel kernel);

struct FieldInput {
  torch::Tensor generated;   // [N, D] features of generated samples (no grad needed)
  torch::Tensor positives;   // [P, D] features of data samples: where kernels are evaluated
  torch::Tensor targets;     // [P, D] where each positive attracts to; undefined = positives
  torch::Tensor log_weights; // [P] log of a weight on each positive's affinity; undefined = 0 (FK)
  // Data-parallel training: `generated` holds this rank's rows first_row.. of the global batch
  // all_generated [N_total, D]; undefined: generated is the whole batch.
  torch::Tensor all_generated;
  long first_row = 0;
};

struct FieldOutput {
  torch::Tensor drift;   // [N, D] in normalised feature units: goal = generated / feature_scale + drift
  double feature_scale;  // S = mean distance / sqrt(D)
};

// With comm, the field of this rank's rows of the global batch: every batch-wide quantity (the
// mean distance, the softmax over the batch, each temperature's RMS) is reduced over the ranks,
// so the ranks' rows together equal the field of the whole batch on one rank (up to rounding).
FieldOutput drifting_field(const FieldInput& in, const FieldSettings& settings, const BatchComm* comm = nullptr);

// Mean shift with a y-only softmax and an unnormalised-distance Gaussian kernel of width sigma:
// sum_j softmax_j(-|x - y_j|^2 / (2 sigma^2) + log_w_j) (y_j - x). The quantity of the seed
// paper's Theorem 3.1. x [N, D], y [P, D], log_w [P] or undefined.
torch::Tensor gaussian_mean_shift(const torch::Tensor& x, const torch::Tensor& y, double sigma,
                                  const torch::Tensor& log_w = {});
// sum_j softmax_j(-|x - y_j|^2 / (2 sigma^2)) s_j for per-sample vectors s [P, D].
torch::Tensor gaussian_weighted_average(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& s,
                                        double sigma);

}  // namespace drift
