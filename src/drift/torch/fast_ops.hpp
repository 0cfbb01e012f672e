#pragma once
// Matrix products of the drifting field. Debian's LibTorch 1.13 multiplies through the
// libblas.so.3 alternative: with the reference BLAS a plain matmul is 10-40x slower than the same
// product as a 1x1 convolution (oneDNN); with OpenBLAS (tools/setup.sh installs it) matmul is the
// faster one, 4x at the field's shape at batch 512 and 12x at 4096. Measured with drift-bench
// (BM_Product); the choice is fixed per process by which BLAS is loaded.
#include <dlfcn.h>

#include <cstdlib>
#include <string>

#include <torch/torch.h>

namespace drift {

// True when the sgemm the process calls is OpenBLAS's: the library that provides the symbol, not
// merely a loaded libopenblas (OpenBLAS's LAPACK can load it beside the reference BLAS).
inline bool blas_is_openblas() {
  static const bool found = [] {
    void* sgemm = dlsym(RTLD_DEFAULT, "sgemm_");
    Dl_info info{};
    if (!sgemm || !dladdr(sgemm, &info) || !info.dli_fname) return false;
    // Debian's libblas.so.3 is a link through the alternatives system: follow it.
    char* resolved = realpath(info.dli_fname, nullptr);
    const std::string path = resolved ? resolved : info.dli_fname;
    std::free(resolved);
    return path.find("openblas") != std::string::npos;
  }();
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
