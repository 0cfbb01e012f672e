// libFuzzer harness: read_lammps_data (the molecule's topology from a LAMMPS data file).
#include "drift/topology.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const drift::fuzz::InputFile file(data, size);
  drift::fuzz::read_or_reject(file.path(), [&] { drift::read_lammps_data(file.path()); });
  return 0;
}
