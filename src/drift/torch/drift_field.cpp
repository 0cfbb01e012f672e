#include "drift/torch/drift_field.hpp"

#include <cmath>

#include "drift/torch/fast_ops.hpp"

namespace drift {

std::vector<double> default_temperatures(Kernel kernel) {
  if (kernel == Kernel::Laplace) return {0.02, 0.05, 0.2};
  return {std::sqrt(0.01), std::sqrt(0.025), std::sqrt(0.1)};
}

FieldOutput drifting_field(const FieldInput& in, const FieldSettings& settings) {
  torch::NoGradGuard no_grad;
  const auto x = in.generated.detach();
  const int64_t n = x.size(0), d = x.size(1);
  const auto targets = in.targets.defined() ? in.targets : in.positives;
  const auto all = torch::cat({x, in.positives}, 0);           // kernel centres: generated first
  const auto dist = fast_cdist(x, all);                         // [N, N + P]
  const double scale = std::max(dist.mean().item<double>(), 1e-3);
  const double feature_scale = std::max(scale / std::sqrt(static_cast<double>(d)), 1e-3);
  auto dn = dist / scale;
  dn.slice(1, 0, n).diagonal().add_(100.0);                    // a sample does not repel itself
  const auto xs = x / feature_scale;
  const auto ys = targets / feature_scale;
  auto total = torch::zeros_like(xs);
  for (double tau : settings.temperatures) {
    auto logits = settings.kernel == Kernel::Laplace ? -dn / tau : -(dn * dn) / (2.0 * tau * tau);
    const auto a = torch::sqrt(torch::clamp_min(torch::softmax(logits, 1) * torch::softmax(logits, 0), 1e-6));
    const auto a_neg = a.slice(1, 0, n);
    // Per-positive weights multiply the normalised affinities (as the reference code's target
    // weights do): inside the logits the softmax over the batch would cancel half the tilt.
    const auto a_pos = in.log_weights.defined() ? a.slice(1, n) * torch::exp(in.log_weights.to(a.scalar_type())).unsqueeze(0) : a.slice(1, n);
    const auto w_pos = a_pos * a_neg.sum(1, true);
    const auto w_neg = a_neg * a_pos.sum(1, true);
    auto v = fast_matmul(w_pos, ys) - w_pos.sum(1, true) * xs - (fast_matmul(w_neg, xs) - w_neg.sum(1, true) * xs);
    if (settings.normalise_drift) v = v / std::sqrt(std::max((v * v).mean().item<double>(), 1e-16));
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
