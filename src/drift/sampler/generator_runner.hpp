#pragma once
// Runs a drift generator for the fix: opens the model file (ModelFile: TorchScript, manifest,
// contract) and maps noise to coordinates, both in the caller's buffers. The tensors are
// torch::from_blob views over those buffers (no copies where the model runs in the buffers'
// memory); the caller has finished writing the noise before the call, and the coordinates are
// complete when it returns (torch is synchronised). No LibTorch and no Kokkos in this header.
#include <cstdint>
#include <memory>
#include <string>

#include "drift/manifest.hpp"

namespace drift {

class GeneratorRunner {
 public:
  // device: "cpu" or "cuda" (throws with a clear message when CUDA is not available);
  // device_index: which CUDA device (taken modulo the number of devices this process sees).
  GeneratorRunner(const std::string& model_path, const std::string& device, int threads, int device_index = 0);
  ~GeneratorRunner();
  GeneratorRunner(const GeneratorRunner&) = delete;
  GeneratorRunner& operator=(const GeneratorRunner&) = delete;

  const Manifest& manifest() const { return manifest_; }
  const std::string& device() const { return device_; }
  // z [rows, noise_dim] float32 -> out [rows, n_atoms, 3] float64 (model units), both contiguous
  // and in CUDA memory when buffers_on_device, else in host memory.
  void generate(const float* z, double* out, int64_t rows, bool buffers_on_device);

  static std::string libtorch_version();
  static bool cuda_available();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Manifest manifest_;
  std::string device_;
};

}  // namespace drift
