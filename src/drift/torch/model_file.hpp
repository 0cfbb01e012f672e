#pragma once
// The one reader and writer of drift model files (TorchScript with the manifest as an extra
// file), for the fix's generator runner, drift-sample and drift-train --add-stein-metric:
// open_model_file loads, parses the manifest and checks the contract. Header-only: every
// includer is already a LibTorch translation unit.
#include <torch/script.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "drift/manifest.hpp"

namespace drift {

struct ModelFile {
  torch::jit::Module module;  // in eval mode
  Manifest manifest;
  std::string manifest_text;  // manifest.yaml as stored
};

// Loads `path` onto `device`, parses its manifest and checks the contract: forward(noise
// [B, noise_dim]) returns [B, n_atoms, 3] (tried once with B = 2). Every failure names the file.
inline ModelFile open_model_file(const std::string& path, const torch::Device& device) {
  if (!std::ifstream(path)) throw std::runtime_error(path + ": model file not found or not readable");
  torch::jit::ExtraFilesMap extra{{kManifestFile, ""}};
  ModelFile model;
  try {
    model.module = torch::jit::load(path, device, extra);
  } catch (const std::exception& e) {
    std::string what = e.what();
    what = what.substr(0, what.find('\n'));
    throw std::runtime_error(path + ": not a TorchScript model file (" + what.substr(0, 160) + ")");
  }
  model.manifest_text = extra[kManifestFile];
  model.manifest = parse_manifest(model.manifest_text, path);
  model.module.eval();
  torch::NoGradGuard no_grad;
  torch::Tensor y;
  try {
    y = model.module.forward({torch::zeros({2, model.manifest.noise_dim}, torch::TensorOptions().device(device))}).toTensor();
  } catch (const std::exception& e) {
    std::string what = e.what();
    throw std::runtime_error(path + ": forward(noise [2, " + std::to_string(model.manifest.noise_dim) +
                             "]) failed: " + what.substr(0, what.find('\n')));
  }
  if (y.dim() != 3 || y.size(0) != 2 || y.size(1) != model.manifest.n_atoms || y.size(2) != 3)
    throw std::runtime_error(path + ": forward returns shape " + c10::str(y.sizes()) + ", the manifest promises [B, " +
                             std::to_string(model.manifest.n_atoms) + ", 3]");
  return model;
}

// Writes `module` with `extra_files` to a temporary file next to `path`, then renames it over `path`.
inline void save_model_file(torch::jit::Module& module, const std::string& path,
                            const std::map<std::string, std::string>& extra_files) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  torch::jit::ExtraFilesMap extra(extra_files.begin(), extra_files.end());
  module.save(tmp, extra);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error(path + ": cannot write the model file");
  }
}

}  // namespace drift
