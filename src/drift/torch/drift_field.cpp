#include "drift/torch/drift_field.hpp"

#include <cmath>
#include <stdexcept>

#include "drift/torch/fast_ops.hpp"

namespace drift {

std::vector<double> default_temperatures(Kernel kernel) {
  if (kernel == Kernel::Laplace) return {0.02, 0.05, 0.2};
  return {std::sqrt(0.01), std::sqrt(0.025), std::sqrt(0.1)};
}

namespace {

double global_sum(double local, const BatchComm* comm) {
  if (comm) comm->sum(&local, 1);
  return local;
}

// Softmax over the rows (the generated batch) of logits [n, C] whose other rows live on other ranks.
torch::Tensor batch_softmax(const torch::Tensor& logits, const BatchComm* comm) {
  if (!comm) return torch::softmax(logits, 0);
  auto col_max = std::get<0>(logits.max(0)).contiguous();
  comm->max(col_max.data_ptr<float>(), col_max.numel());
  const auto e = torch::exp(logits - col_max.unsqueeze(0));
  auto col_sum = e.sum(0).contiguous();
  comm->sum(col_sum.data_ptr<float>(), col_sum.numel());
  return e / col_sum.unsqueeze(0);
}

}  // namespace

FieldOutput drifting_field(const FieldInput& in, const FieldSettings& settings, const BatchComm* comm) {
  torch::NoGradGuard no_grad;
  const auto x = in.generated.detach();
  const auto batch = in.all_generated.defined() ? in.all_generated.detach() : x;  // every generated row
  if (comm && x.scalar_type() != torch::kFloat)
    throw std::runtime_error("drifting_field: data-parallel fields are computed in float32");
  const int64_t n = x.size(0), d = x.size(1), n_all = batch.size(0);
  const auto targets = in.targets.defined() ? in.targets : in.positives;
  const auto all = torch::cat({batch, in.positives}, 0);       // kernel centres: generated first
  const auto dist = fast_cdist(x, all);                         // [n, N + P]
  const double mean_dist = comm ? global_sum(dist.sum().item<double>(), comm) / (static_cast<double>(n_all) * all.size(0))
                                : dist.mean().item<double>();
  const double scale = std::max(mean_dist, 1e-3);
  const double feature_scale = std::max(scale / std::sqrt(static_cast<double>(d)), 1e-3);
  auto dn = dist / scale;
  dn.slice(1, in.first_row, in.first_row + n).diagonal().add_(100.0);  // a sample does not repel itself
  const auto xs = x / feature_scale;
  const auto batch_s = batch / feature_scale;
  const auto ys = targets / feature_scale;
  auto total = torch::zeros_like(xs);
  for (double tau : settings.temperatures) {
    auto logits = settings.kernel == Kernel::Laplace ? -dn / tau : -(dn * dn) / (2.0 * tau * tau);
    const auto a = torch::sqrt(torch::clamp_min(torch::softmax(logits, 1) * batch_softmax(logits, comm), 1e-6));
    const auto a_neg = a.slice(1, 0, n_all);
    // Per-positive weights multiply the normalised affinities (as the reference code's target
    // weights do): inside the logits the softmax over the batch would cancel half the tilt.
    const auto a_pos = in.log_weights.defined() ? a.slice(1, n_all) * torch::exp(in.log_weights.to(a.scalar_type())).unsqueeze(0) : a.slice(1, n_all);
    const auto w_pos = a_pos * a_neg.sum(1, true);
    const auto w_neg = a_neg * a_pos.sum(1, true);
    auto v = fast_matmul(w_pos, ys) - w_pos.sum(1, true) * xs - (fast_matmul(w_neg, batch_s) - w_neg.sum(1, true) * xs);
    if (settings.normalise_drift) {
      const double mean_sq = comm ? global_sum((v * v).sum().item<double>(), comm) / (static_cast<double>(n_all) * d)
                                  : (v * v).mean().item<double>();
      v = v / std::sqrt(std::max(mean_sq, 1e-16));
    }
    total += v;
  }
  return {total, feature_scale};
}

torch::Tensor gaussian_mean_shift(const torch::Tensor& x, const torch::Tensor& y, double sigma, const torch::Tensor& log_w) {
  auto d2 = torch::cdist(x, y).pow(2);
  auto logits = -d2 / (2 * sigma * sigma);
  if (log_w.defined()) logits = logits + log_w.unsqueeze(0);
  const auto w = torch::softmax(logits, 1);
  return torch::matmul(w, y) - x;
}

torch::Tensor gaussian_weighted_average(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& s, double sigma) {
  const auto w = torch::softmax(-torch::cdist(x, y).pow(2) / (2 * sigma * sigma), 1);
  return torch::matmul(w, s);
}

}  // namespace drift
