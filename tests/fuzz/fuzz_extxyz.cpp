// libFuzzer harness: ExtxyzReader over every frame of the input.
#include "drift/extxyz.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const drift::fuzz::InputFile file(data, size);
  drift::fuzz::read_or_reject(file.path(), [&] {
    drift::ExtxyzReader reader(file.path());
    drift::XyzFrame frame;
    while (reader.next(frame)) {
    }
  });
  return 0;
}
