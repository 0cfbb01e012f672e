#include "drift/sampler/generator_runner.hpp"

#include <torch/script.h>
#include <torch/torch.h>

#include <stdexcept>

#include "drift/torch/model_file.hpp"

namespace drift {

struct GeneratorRunner::Impl {
  torch::jit::Module module;
  torch::Device device{torch::kCPU};
};

std::string GeneratorRunner::libtorch_version() { return TORCH_VERSION; }
bool GeneratorRunner::cuda_available() { return torch::cuda::is_available(); }

GeneratorRunner::GeneratorRunner(const std::string& path, const std::string& device, int threads, int device_index)
    : impl_(std::make_unique<Impl>()), device_(device) {
  if (device == "cuda") {
    if (!torch::cuda::is_available())
      throw std::runtime_error("device cuda requested but this LibTorch (" + std::string(TORCH_VERSION) +
                               ") sees no CUDA device: use 'device cpu' or a CUDA build of LibTorch");
    const auto count = static_cast<int>(torch::cuda::device_count());
    impl_->device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(device_index % count));
  } else if (device != "cpu") {
    throw std::runtime_error("unknown device '" + device + "' (expected cpu or cuda)");
  }
  if (threads > 0) torch::set_num_threads(threads);
  ModelFile model = open_model_file(path, impl_->device);
  impl_->module = std::move(model.module);
  manifest_ = std::move(model.manifest);
}

GeneratorRunner::~GeneratorRunner() = default;

void GeneratorRunner::generate(const float* z, double* out, int64_t rows, bool buffers_on_device) {
  if (rows == 0) return;
  torch::NoGradGuard no_grad;
  const auto memory = buffers_on_device ? impl_->device : torch::Device(torch::kCPU);
  const auto zt = torch::from_blob(const_cast<float*>(z), {rows, manifest_.noise_dim},
                                   torch::TensorOptions().dtype(torch::kFloat32).device(memory));
  const auto y = impl_->module.forward({zt.to(impl_->device)}).toTensor();
  auto target = torch::from_blob(out, {rows, manifest_.n_atoms, 3}, torch::TensorOptions().dtype(torch::kFloat64).device(memory));
  target.copy_(y);  // dtype and, if needed, device conversion in one copy
  if (impl_->device.is_cuda() || buffers_on_device) torch::cuda::synchronize(impl_->device.index());  // before the caller reads
}

}  // namespace drift
