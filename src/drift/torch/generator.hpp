#pragma once
// The generator: an MLP from Gaussian noise to coordinates, built as a TorchScript module from
// C++ (torch::jit::Module::define + registered parameters) so that the trained file loads in
// LibTorch anywhere. Layers are 1x1 convolutions (oneDNN), 10-40x faster than matmul on
// Debian's reference BLAS (drift-bench), with the batch as the convolution's N dimension
// ([B, C, 1]): LibTorch 1.13 sends 1x1 convolutions with N < 16 on one thread to its BLAS path
// (25.9 vs 2.7 ms for a 256x256 layer at B = 1024), and the fix runs one thread per MPI rank.
// Output = out_mean + out_scale * MLP(z): a data-dependent initialisation (unit-variance MLP
// output scaled to the data's spread).
#include <torch/script.h>
#include <torch/torch.h>

#include <string>
#include <vector>

namespace drift {

struct GeneratorShape {
  int noise_dim = 32;
  std::vector<int> hidden{256, 256, 256};
  // > 1: a discrete code. The first noise dimension z0 picks component floor(K Phi(z0)) (Phi the
  // normal CDF: each of the K components with probability 1/K) and enters the network as a one-hot
  // vector (scaled to unit variance per entry) in its place. A continuous map of Gaussian noise has a
  // connected image, so a plain generator must put mass on the barriers between separated basins
  // (e.g. of a backbone's (phi, psi)); with a code its image can be K disconnected pieces. The noise
  // the sampler draws is unchanged (still noise_dim normals per sample).
  int components = 0;
  int n_atoms = 0;    // > 0: output [B, n_atoms, 3], centred on the centroid
  int output_dim = 0; // used when n_atoms == 0: output [B, output_dim]
  int out_features() const { return n_atoms > 0 ? 3 * n_atoms : output_dim; }
};

class Generator {
 public:
  Generator(const GeneratorShape& shape, uint64_t seed);
  // z [B, noise_dim] -> [B, n_atoms, 3] or [B, output_dim]
  torch::Tensor forward(const torch::Tensor& z);
  std::vector<torch::Tensor> parameters() const;
  // Sets out_mean/out_scale from data [M, out_features] and rescales the last layer so the
  // MLP output has unit variance on the noise batch z.
  void initialise_output(const torch::Tensor& data_flat, const torch::Tensor& z);
  // Saves the module with extra files (e.g. manifest.yaml) atomically.
  void save(const std::string& path, const std::map<std::string, std::string>& extra_files);
  torch::jit::Module& module() { return module_; }
  const GeneratorShape& shape() const { return shape_; }

 private:
  GeneratorShape shape_;
  torch::jit::Module module_;
  int n_layers_;
};

}  // namespace drift
