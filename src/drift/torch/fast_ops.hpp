#pragma once
// Matrix products of the drifting field. Debian's LibTorch 1.13 multiplies through the
// libblas.so.3 alternative: with the reference BLAS a plain matmul is 10-40x slower than the same
// product as a 1x1 convolution (oneDNN); with OpenBLAS (tools/setup.sh installs it) matmul is the
// faster one, 4x at the field's shape at batch 512 and 12x at 4096. Measured with drift-bench
// (BM_Product); the choice is fixed per process by which BLAS is loaded.
#include <dlfcn.h>

#include <torch/torch.h>

namespace drift {

// True when the process's BLAS is OpenBLAS (its own entry point is loaded).
inline bool blas_is_openblas() {
  static const bool found = dlsym(RTLD_DEFAULT, "openblas_get_num_threads") != nullptr;
  return found;
}

// a [N, K] @ b [K, M] -> [N, M]: BLAS when it is OpenBLAS, else a 1x1 convolution.
inline torch::Tensor fast_matmul(const torch::Tensor& a, const torch::Tensor& b) {
  if (blas_is_openblas()) return torch::matmul(a, b);
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
