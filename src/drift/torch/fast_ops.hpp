#pragma once
// Debian's LibTorch 1.13 uses the reference BLAS: a plain matmul is 10-40x slower than the
// same product expressed as a 1x1 convolution (oneDNN). Measured with drift-bench.
#include <torch/torch.h>

namespace drift {

// a [N, K] @ b [K, M] -> [N, M] through conv1d.
inline torch::Tensor fast_matmul(const torch::Tensor& a, const torch::Tensor& b) {
  auto out = torch::conv1d(a.t().unsqueeze(0).contiguous(), b.t().unsqueeze(-1).contiguous());  // [1, M, N]
  return out.squeeze(0).t();
}

// Euclidean distances between rows of a [N, D] and b [M, D] -> [N, M], floored at 1e-8 inside the root.
inline torch::Tensor fast_cdist(const torch::Tensor& a, const torch::Tensor& b) {
  auto aa = (a * a).sum(1, true);
  auto bb = (b * b).sum(1, true).t();
  auto d2 = aa + bb - 2.0 * fast_matmul(a, b.t());
  return torch::sqrt(torch::clamp_min(d2, 1e-8));
}

}  // namespace drift
