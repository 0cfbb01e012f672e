// libFuzzer harness: parse_manifest (the YAML a model file carries), then the writer must give
// back what it read: parse(write(parse(text))) == parse(text) on the checked fields.
#include <cstdio>
#include <cstdlib>

#include "drift/manifest.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string model = "fuzzed-model.pt";
  const std::string text(reinterpret_cast<const char*>(data), size);
  drift::fuzz::read_or_reject(model, [&] {
    const auto m = drift::parse_manifest(text, model);
    const auto again = drift::parse_manifest(drift::write_manifest(m), model);
    if (again.n_atoms != m.n_atoms || again.types != m.types || again.masses != m.masses || again.elements != m.elements ||
        again.bonds != m.bonds || again.units != m.units || again.temperature != m.temperature ||
        again.noise_dim != m.noise_dim || again.method != m.method || again.stein_beta_hessian != m.stein_beta_hessian) {
      std::fprintf(stderr, "write_manifest(parse_manifest(text)) reads back different\n");
      std::abort();
    }
  });
  return 0;
}
