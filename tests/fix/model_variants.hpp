#pragma once
// Model files with a changed manifest (or none), to test the fix's contract checks.
#include <string>

namespace drift_test {

// The manifest stored inside a model file.
std::string manifest_of(const std::string& model);
// Copies `model` to `out` with manifest.yaml replaced by `manifest` (omitted when empty).
void write_model_with_manifest(const std::string& model, const std::string& out, const std::string& manifest);

}  // namespace drift_test
