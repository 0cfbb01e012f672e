#pragma once
// Training loop of a drifting generator: regress the generator onto its own drifted output,
// feature group by feature group. Deterministic for a seed on one thread; checkpoints hold
// parameters, optimiser state, the weight average and the step (the random numbers are a pure
// function of seed, step and row: counter_rng.hpp), so a resumed run continues exactly.
#include <torch/torch.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "drift/batch_comm.hpp"
#include "drift/torch/drift_field.hpp"
#include "drift/torch/features.hpp"
#include "drift/torch/generator.hpp"
#include "drift/train_settings.hpp"

namespace drift {

struct FeatureGroup {
  std::string name;
  double weight = 1.0;
  torch::Tensor pairs;  // [K, 2] atom pairs (distance features); undefined: flattened output (or torsions)
  bool standardise = false;  // divide every feature by its standard deviation over the training data
  std::vector<double> temperatures;  // kernel temperatures of this group; empty: the problem's
  TorsionFeatures torsions;          // a torsion group when torsions.quads is defined
  // A scalar feature computed outside LibTorch (the energy group: beta E from LAMMPS): x [B, n, 3]
  // -> (value [B], d value / dx [B, n, 3]); the group's feature is that value, differentiable
  // through the returned gradient.
  std::function<std::pair<torch::Tensor, torch::Tensor>(const torch::Tensor&)> scalar;
};

struct TrainingProblem {
  torch::Tensor positives;    // [M, ...] data, same shape per sample as the generator output
  torch::Tensor targets;      // [M, ...] attraction targets other than the positives, or undefined
  torch::Tensor log_weights;  // [M] FK kernel log-weights, or undefined
  std::vector<FeatureGroup> groups;
  FieldSettings field;
};

struct TrainReport {
  long steps_done = 0;
  double last_loss = 0;
  double steps_per_second = 0;
};

// Data-parallel with comm (drift-train under mpirun): every rank holds the whole problem; the
// counter random numbers make row r of step t's noise the same on any rank, so rank r draws and
// generates only its rows (batch_rows), every rank draws the same positives, the ranks exchange the generated
// features so each field sees the whole batch, and the gradients are summed before the
// (identical) optimiser step. K ranks give the K = 1 model up to float rounding. Checkpoints are
// written by rank 0 only.
TrainReport train(Generator& gen, const TrainingProblem& problem, const TrainSettings& settings,
                  const BatchComm* comm = nullptr);

}  // namespace drift
