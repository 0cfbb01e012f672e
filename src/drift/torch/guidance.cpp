#include "drift/torch/guidance.hpp"

#include <cmath>
#include <stdexcept>

namespace drift {

GuidanceStats guidance_stats(const torch::Tensor& y, const torch::Tensor& beta_f, int dof, double eig_cutoff) {
  torch::NoGradGuard no_grad;
  GuidanceStats s;
  s.dof = dof;
  const auto yd = y.to(torch::kFloat64), fd = beta_f.to(torch::kFloat64);
  s.mean = yd.mean(0);
  // Stein: E[y . grad log p] = -dof for any fixed origin; no mean subtraction keeps it exact.
  s.virial = -(yd * fd).sum(1).mean().item<double>();
  if (!(s.virial > 0)) throw std::runtime_error("force guidance: <beta F . (y - ybar)> is not negative; are the forces forces (not gradients) and in the units of the temperature?");
  s.r_hat = dof / s.virial;
  const auto g = torch::matmul(fd.t(), fd) / static_cast<double>(fd.size(0));
  auto eig = torch::linalg_eigh(g);
  auto values = std::get<0>(eig), vectors = std::get<1>(eig);
  const double cut = eig_cutoff * values.max().item<double>();
  auto inv = torch::where(values > cut, 1.0 / values, torch::zeros_like(values));
  s.fisher_pinv = torch::matmul(vectors * inv.unsqueeze(0), vectors.t());
  return s;
}

torch::Tensor fi_displacement(const GuidanceStats& s, const torch::Tensor& beta_f) {
  torch::NoGradGuard no_grad;
  const double r = s.r_hat;
  const double step = (1.0 - std::sqrt(r)) / r;
  return (step * torch::matmul(beta_f.to(torch::kFloat64), s.fisher_pinv)).to(beta_f.dtype());
}

torch::Tensor fk_log_weights(const GuidanceStats& s, const torch::Tensor& beta_f, double gamma, double clip) {
  torch::NoGradGuard no_grad;
  const auto f = beta_f.to(torch::kFloat64);
  auto energy = 0.5 * (torch::matmul(f, s.fisher_pinv) * f).sum(1) / s.r_hat;  // harmonic beta(E - E_min)
  auto lw = -gamma * energy;
  lw = lw - lw.mean();
  return torch::clamp(lw, -clip, clip).to(beta_f.dtype());
}

}  // namespace drift
