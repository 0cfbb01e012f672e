#include "drift/torch/generator_runner.hpp"
#include "drift/torch/model_file.hpp"

#include <torch/script.h>
#include <torch/torch.h>

#include <fstream>
#include <stdexcept>
#include <type_traits>

namespace drift {

namespace {

constexpr bool kViewsOnHost = std::is_same_v<replica::MemSpace, Kokkos::HostSpace>;

torch::Device views_device() { return kViewsOnHost ? torch::Device(torch::kCPU) : torch::Device(torch::kCUDA); }

}  // namespace

struct GeneratorRunner::Impl {
  torch::jit::Module module;
  torch::Device device{torch::kCPU};
};

std::string GeneratorRunner::libtorch_version() { return TORCH_VERSION; }
bool GeneratorRunner::cuda_available() { return torch::cuda::is_available(); }

GeneratorRunner::GeneratorRunner(const std::string& path, const std::string& device, int threads)
    : impl_(std::make_unique<Impl>()), device_(device) {
  static_assert(std::is_same_v<replica::Noise::value_type, float>, "the generator takes float32 noise");
  static_assert(std::is_same_v<replica::Coords::value_type, double>, "placement views hold float64 coordinates");
  if (device == "cuda") {
    if (!torch::cuda::is_available())
      throw std::runtime_error("device cuda requested but this LibTorch (" + std::string(TORCH_VERSION) +
                               ") sees no CUDA device: use 'device cpu' or a CUDA build of LibTorch");
    impl_->device = torch::Device(torch::kCUDA);
  } else if (device != "cpu") {
    throw std::runtime_error("unknown device '" + device + "' (expected cpu or cuda)");
  }
  if (threads > 0) torch::set_num_threads(threads);
  std::string manifest_text;
  impl_->module = load_model_file(path, impl_->device, manifest_text);
  manifest_ = parse_manifest(manifest_text, path);
  impl_->module.eval();
  // Contract: forward(z [B, noise_dim]) -> [B, n_atoms, 3]. Checked once with B = 2.
  torch::NoGradGuard no_grad;
  torch::Tensor y;
  try {
    y = impl_->module.forward({torch::zeros({2, manifest_.noise_dim}, torch::TensorOptions().device(impl_->device))}).toTensor();
  } catch (const std::exception& e) {
    std::string what = e.what();
    throw std::runtime_error(path + ": forward(noise [2, " + std::to_string(manifest_.noise_dim) +
                             "]) failed: " + what.substr(0, what.find('\n')));
  }
  if (y.dim() != 3 || y.size(0) != 2 || y.size(1) != manifest_.n_atoms || y.size(2) != 3)
    throw std::runtime_error(path + ": forward returns shape " + c10::str(y.sizes()) + ", the manifest promises [B, " +
                             std::to_string(manifest_.n_atoms) + ", 3]");
}

GeneratorRunner::~GeneratorRunner() = default;

void GeneratorRunner::generate(const replica::Noise& z, const replica::Coords& out) {
  const int64_t m = static_cast<int64_t>(z.extent(0));
  if (static_cast<int64_t>(out.extent(0)) != m || static_cast<int>(out.extent(1)) != manifest_.n_atoms ||
      out.extent(2) != 3 || static_cast<int>(z.extent(1)) != manifest_.noise_dim)
    throw std::logic_error("GeneratorRunner::generate: view shapes do not match the model");
  if (m == 0) return;
  torch::NoGradGuard no_grad;
  Kokkos::fence();  // the noise kernel has finished before torch reads its memory
  const auto zt = torch::from_blob(z.data(), {m, manifest_.noise_dim}, torch::TensorOptions().dtype(torch::kFloat32).device(views_device()));
  const auto y = impl_->module.forward({zt.to(impl_->device)}).toTensor();
  auto target = torch::from_blob(out.data(), {m, manifest_.n_atoms, 3}, torch::TensorOptions().dtype(torch::kFloat64).device(views_device()));
  target.copy_(y);  // dtype and, if needed, device conversion in one copy
  if (impl_->device.is_cuda() || !kViewsOnHost) torch::cuda::synchronize();  // before Kokkos reads
}

}  // namespace drift
