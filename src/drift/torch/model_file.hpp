#pragma once
// Reading and writing drift model files (TorchScript with the manifest as an extra file), shared
// by the trainer, drift-train --add-stein-metric and the fix's generator runner. Header-only:
// every includer is already a LibTorch translation unit.
#include <torch/script.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "drift/manifest.hpp"

namespace drift {

// Loads `path` onto `device`; `manifest_text` receives manifest.yaml (empty when the file has none).
inline torch::jit::Module load_model_file(const std::string& path, const torch::Device& device, std::string& manifest_text) {
  if (!std::ifstream(path)) throw std::runtime_error(path + ": model file not found or not readable");
  torch::jit::ExtraFilesMap extra{{kManifestFile, ""}};
  torch::jit::Module module;
  try {
    module = torch::jit::load(path, device, extra);
  } catch (const std::exception& e) {
    std::string what = e.what();
    what = what.substr(0, what.find('\n'));
    throw std::runtime_error(path + ": not a TorchScript model file (" + what.substr(0, 160) + ")");
  }
  manifest_text = extra[kManifestFile];
  return module;
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
