#include "drift/torch/features.hpp"

namespace drift {

namespace {
// Rotations R [M, 3, 3] minimising |x R - ref| per frame (x centred [M, n, 3], ref [n, 3]).
torch::Tensor kabsch(const torch::Tensor& x, const torch::Tensor& ref) {
  const auto h = torch::matmul(x.transpose(1, 2), ref.unsqueeze(0));  // [M, 3, 3]
  auto svd = torch::linalg_svd(h, false);
  const auto& u = std::get<0>(svd);
  const auto& vh = std::get<2>(svd);
  auto d = torch::sign(torch::linalg_det(torch::matmul(u, vh)));       // no reflections
  auto diag = torch::ones({x.size(0), 3}, x.options());
  diag.select(1, 2).copy_(d);
  return torch::matmul(u * diag.unsqueeze(1), vh);
}
}  // namespace

torch::Tensor align_frames(torch::Tensor& x, torch::Tensor* forces) {
  torch::NoGradGuard no_grad;
  x = x - x.mean(1, true);
  auto ref = x[0].clone();
  for (int iter = 0; iter < 3; ++iter) {
    const auto r = kabsch(x, ref);
    auto aligned = torch::matmul(x, r);
    ref = aligned.mean(0);
    ref = ref - ref.mean(0, true);
    if (iter == 2) {
      x = aligned;
      if (forces && forces->defined()) *forces = torch::matmul(*forces, r);
    }
  }
  return ref;
}

std::vector<std::array<int64_t, 2>> all_pairs(int n_atoms) {
  std::vector<std::array<int64_t, 2>> p;
  for (int i = 0; i < n_atoms; ++i)
    for (int j = i + 1; j < n_atoms; ++j) p.push_back({i, j});
  return p;
}

torch::Tensor pair_distances(const torch::Tensor& x, const torch::Tensor& pair_index) {
  const auto a = x.index_select(1, pair_index.select(1, 0));
  const auto b = x.index_select(1, pair_index.select(1, 1));
  return torch::sqrt(((a - b) * (a - b)).sum(2) + 1e-12);
}

}  // namespace drift
