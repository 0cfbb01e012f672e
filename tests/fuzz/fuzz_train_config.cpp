// libFuzzer harness: read_train_config (drift-train's YAML, every key validated).
#include "drift/train_config.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const drift::fuzz::InputFile file(data, size);
  drift::fuzz::read_or_reject(file.path(), [&] { drift::read_train_config(file.path()); });
  return 0;
}
