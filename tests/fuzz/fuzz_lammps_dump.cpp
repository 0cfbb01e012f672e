// libFuzzer harness: LammpsDumpReader over every frame of the input.
#include "drift/lammps_dump.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const drift::fuzz::InputFile file(data, size);
  drift::fuzz::read_or_reject(file.path(), [&] {
    drift::LammpsDumpReader reader(file.path());
    drift::AtomFrame frame;
    while (reader.next(frame)) {
    }
  });
  return 0;
}
