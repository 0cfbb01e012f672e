#include "drift/torch/generator.hpp"
#include "drift/torch/model_file.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace drift {

namespace {
std::string forward_source(const GeneratorShape& s, int n_layers) {
  std::ostringstream src;
  src << "def forward(self, z: Tensor) -> Tensor:\n";
  if (s.components > 1)
    src << "    k = torch.floor(0.5 * (1.0 + torch.erf(z[:, 0:1] * 0.7071067811865476)) * " << s.components << ".0)\n"
        << "    code = (k.clamp(0.0, " << s.components - 1 << ".0) == self.code_levels).to(z.dtype) * "
        << std::sqrt(static_cast<double>(s.components)) << "\n"
        << "    h = torch.cat([code, z[:, 1:]], 1).unsqueeze(2)\n";
  else
    src << "    h = z.unsqueeze(2)\n";
  for (int l = 0; l < n_layers - 1; ++l)
    src << "    h = torch.conv1d(h, self.w" << l << ", self.b" << l << ")\n"
        << "    h = h * torch.sigmoid(h)\n";
  src << "    h = torch.conv1d(h, self.w" << n_layers - 1 << ", self.b" << n_layers - 1 << ").squeeze(2)\n"
      << "    x = self.out_mean + self.out_scale * h\n";
  if (s.n_atoms > 0)
    src << "    x = x.reshape(x.size(0), " << s.n_atoms << ", 3)\n"
        << "    return x - x.mean(1, True)\n";
  else
    src << "    return x\n";
  return src.str();
}
}  // namespace

Generator::Generator(const GeneratorShape& shape, uint64_t seed) : shape_(shape), module_("DriftGenerator") {
  if (shape.noise_dim < 1 || shape.out_features() < 1) throw std::invalid_argument("generator: empty noise or output");
  torch::manual_seed(seed);
  if (shape.components < 0 || shape.components == 1 || (shape.components > 1 && shape.noise_dim < 2))
    throw std::invalid_argument("generator: components must be 0 or >= 2, with noise_dim >= 2");
  std::vector<int> dims{shape.components > 1 ? shape.components + shape.noise_dim - 1 : shape.noise_dim};
  dims.insert(dims.end(), shape.hidden.begin(), shape.hidden.end());
  dims.push_back(shape.out_features());
  n_layers_ = static_cast<int>(dims.size()) - 1;
  for (int l = 0; l < n_layers_; ++l) {
    // He-style init for SiLU layers; the output layer is rescaled by initialise_output.
    const double std = std::sqrt(2.0 / dims[l]);
    module_.register_parameter("w" + std::to_string(l), torch::randn({dims[l + 1], dims[l], 1}) * std, false);
    module_.register_parameter("b" + std::to_string(l), torch::zeros({dims[l + 1]}), false);
  }
  module_.register_buffer("out_mean", torch::zeros({shape.out_features()}));
  module_.register_buffer("out_scale", torch::ones({shape.out_features()}));
  if (shape.components > 1)
    module_.register_buffer("code_levels", torch::arange(shape.components, torch::kFloat32).unsqueeze(0));
  module_.define(forward_source(shape, n_layers_));
}

torch::Tensor Generator::forward(const torch::Tensor& z) { return module_.forward({z}).toTensor(); }

std::vector<torch::Tensor> Generator::parameters() const {
  std::vector<torch::Tensor> p;
  for (const auto& t : module_.parameters()) p.push_back(t);
  return p;
}

void Generator::initialise_output(const torch::Tensor& data_flat, const torch::Tensor& z) {
  torch::NoGradGuard no_grad;
  auto mean = data_flat.mean(0);
  auto scale = data_flat.std(0).clamp_min(1e-3);
  module_.attr("out_mean").toTensor().copy_(torch::zeros_like(mean));
  module_.attr("out_scale").toTensor().copy_(torch::ones_like(scale));
  // MLP output with unit scale and zero shift (centred over atoms for molecules, which
  // commutes with the shift below because the batch mean of centred outputs is centred).
  auto h = forward(z).reshape({z.size(0), -1});
  const auto hstd = h.std(0).clamp_min(1e-6);
  const auto hmean = h.mean(0);
  auto w = module_.attr("w" + std::to_string(n_layers_ - 1)).toTensor();
  auto b = module_.attr("b" + std::to_string(n_layers_ - 1)).toTensor();
  w.div_(hstd.view({-1, 1, 1}));
  b.sub_(hmean).div_(hstd);
  module_.attr("out_mean").toTensor().copy_(mean);
  module_.attr("out_scale").toTensor().copy_(scale);
}

void Generator::save(const std::string& path, const std::map<std::string, std::string>& extra_files) {
  save_model_file(module_, path, extra_files);
}

}  // namespace drift
