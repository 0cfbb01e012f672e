#pragma once
// Runs a drift generator for the fix: loads the TorchScript file with its manifest, checks the
// contract (kind, schema, noise -> coordinates shapes) and maps noise held in a Kokkos view to
// coordinates written into a Kokkos view. The tensors are torch::from_blob views over the Kokkos
// memory (no copies where the model's device is the views' memory space); Kokkos is fenced
// before torch reads and torch is synchronised before Kokkos reads. No LibTorch in this header.
#include <memory>
#include <string>

#include "drift/manifest.hpp"
#include "drift/replica/replica_kernels.hpp"

namespace drift {

class GeneratorRunner {
 public:
  // device: "cpu" or "cuda" (throws with a clear message when CUDA is not available).
  GeneratorRunner(const std::string& model_path, const std::string& device, int threads);
  ~GeneratorRunner();
  GeneratorRunner(const GeneratorRunner&) = delete;
  GeneratorRunner& operator=(const GeneratorRunner&) = delete;

  const Manifest& manifest() const { return manifest_; }
  const std::string& device() const { return device_; }
  // z [M, noise_dim] -> out [M, n_atoms, 3] (model units).
  void generate(const replica::Noise& z, const replica::Coords& out);

  static std::string libtorch_version();
  static bool cuda_available();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Manifest manifest_;
  std::string device_;
};

}  // namespace drift
