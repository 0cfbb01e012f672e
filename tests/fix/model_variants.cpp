#include "model_variants.hpp"

#include <torch/script.h>

namespace drift_test {

std::string manifest_of(const std::string& model) {
  torch::jit::ExtraFilesMap extra{{"manifest.yaml", ""}};
  torch::jit::load(model, torch::kCPU, extra);
  return extra["manifest.yaml"];
}

void write_model_with_manifest(const std::string& model, const std::string& out, const std::string& manifest) {
  torch::jit::ExtraFilesMap ignored{{"manifest.yaml", ""}};
  auto module = torch::jit::load(model, torch::kCPU, ignored);
  torch::jit::ExtraFilesMap extra;
  if (!manifest.empty()) extra["manifest.yaml"] = manifest;
  module.save(out, extra);
}

}  // namespace drift_test
