#include "drift/torch/guidance.hpp"

#include <cmath>
#include <limits>
#include <vector>
#include <stdexcept>

namespace drift {

GuidanceStats guidance_stats(const torch::Tensor& y, const torch::Tensor& beta_f, int dof, double eig_cutoff) {
  torch::NoGradGuard no_grad;
  GuidanceStats s;
  s.dof = dof;
  const auto yd = y.to(torch::kFloat64), fd = beta_f.to(torch::kFloat64);
  s.mean = yd.mean(0);
  // Stein: E[y . grad log p] = -dof for any fixed origin; no mean subtraction keeps it exact.
  const auto per_frame = -(yd * fd).sum(1);
  s.virial = per_frame.mean().item<double>();
  if (!(s.virial > 0)) throw std::runtime_error("force guidance: <beta F . (y - ybar)> is not negative; are the forces forces (not gradients) and in the units of the temperature?");
  s.r_hat = dof / s.virial;
  // Delta method: se(r) = r se(v) / v.
  const double se_virial = yd.size(0) > 1 ? per_frame.std().item<double>() / std::sqrt(static_cast<double>(yd.size(0))) : 0.0;
  s.r_hat_standard_error = s.r_hat * se_virial / s.virial;
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

torch::Tensor fi_displacement_per_frame(double r, const torch::Tensor& beta_f, const torch::Tensor& beta_hessians,
                                        double eig_cutoff) {
  torch::NoGradGuard no_grad;
  const auto h = beta_hessians.to(torch::kFloat64);
  auto eig = torch::linalg_eigh(h);
  const auto values = std::get<0>(eig), vectors = std::get<1>(eig);  // [M, D], [M, D, D]
  const auto cut = eig_cutoff * std::get<0>(values.max(1, true));
  const auto inv = torch::where(values > cut, 1.0 / values, torch::zeros_like(values));
  const auto f = beta_f.to(torch::kFloat64).unsqueeze(2);                           // [M, D, 1]
  const auto proj = torch::matmul(vectors.transpose(1, 2), f) * inv.unsqueeze(2);   // [M, D, 1]
  return ((1.0 - std::sqrt(r)) * torch::matmul(vectors, proj).squeeze(2)).to(beta_f.dtype());
}

torch::Tensor force_integrated_energy(const torch::Tensor& y, const torch::Tensor& beta_f, int neighbours) {
  torch::NoGradGuard no_grad;
  const auto yd = y.to(torch::kFloat64), fd = beta_f.to(torch::kFloat64);
  const int64_t m = yd.size(0);
  const int64_t k = std::min<int64_t>(neighbours, m - 1);
  if (k < 1) return torch::zeros({m}, torch::kFloat64);
  // k nearest neighbours of every sample, in row blocks so memory stays O(block * M).
  std::vector<torch::Tensor> nn;
  const int64_t block = 1024;
  for (int64_t b = 0; b < m; b += block) {
    const auto rows = yd.slice(0, b, std::min(m, b + block));
    auto d = torch::cdist(rows, yd);
    d.slice(1, b, b + rows.size(0)).diagonal().fill_(std::numeric_limits<double>::infinity());
    nn.push_back(std::get<1>(torch::topk(d, k, 1, /*largest=*/false)));
  }
  const auto j = torch::cat(nn, 0).reshape({-1});
  const auto i = torch::arange(m, torch::kLong).repeat_interleave(k);
  // Trapezoid rule along each edge: beta E_j - beta E_i = -(beta F_i + beta F_j)/2 . (y_j - y_i),
  // exact for quadratic energies at any edge length, so stiff modes cost no error.
  const auto diff = -0.5 * ((fd.index_select(0, i) + fd.index_select(0, j)) * (yd.index_select(0, j) - yd.index_select(0, i))).sum(1);
  // Least squares over all edges: A^T A e = A^T d with (A e)_ij = e_j - e_i; conjugate gradients.
  auto apply_a = [&](const torch::Tensor& e) { return e.index_select(0, j) - e.index_select(0, i); };
  auto apply_at = [&](const torch::Tensor& v) {
    return torch::zeros({m}, torch::kFloat64).index_add_(0, j, v).index_add_(0, i, -v);
  };
  auto e = torch::zeros({m}, torch::kFloat64);
  auto r = apply_at(diff);
  auto p = r.clone();
  double rr = (r * r).sum().item<double>();
  const double stop = 1e-20 * std::max(rr, 1e-300);
  for (int it = 0; it < 2000 && rr > stop; ++it) {
    const auto ap = apply_at(apply_a(p));
    const double alpha = rr / std::max((p * ap).sum().item<double>(), 1e-300);
    e += alpha * p;
    r -= alpha * ap;
    const double rr_new = (r * r).sum().item<double>();
    p = r + (rr_new / rr) * p;
    rr = rr_new;
  }
  return e - e.mean();
}

torch::Tensor fk_log_weights(const torch::Tensor& beta_energy, double gamma, double clip) {
  torch::NoGradGuard no_grad;
  auto lw = -gamma * beta_energy.to(torch::kFloat64);
  lw = lw - lw.mean();
  return torch::clamp(lw, -clip, clip).to(beta_energy.dtype());
}

}  // namespace drift
