#pragma once
// One sampling event for many replicas of one molecule: noise -> generator -> validity ->
// orientation -> placement (and thermal velocities), all replicas at once in Kokkos views,
// generator in LibTorch. Host arrays in and out, so callers (the LAMMPS fix, benchmarks, tests)
// need neither Kokkos nor LibTorch headers of their own beyond this one.
//
// Results depend only on (key, molecule ID) for a given chunk size and device: the generator
// always runs on chunks of `chunk` rows (a batch's floating-point result can depend on its size;
// a short last chunk is padded), and every other step is per replica, so any split of the
// molecules over ranks or calls gives bit-identical samples.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "drift/counter_rng.hpp"
#include "drift/manifest.hpp"

namespace drift {

class GeneratorRunner;

enum class Orientation { Random, Aligned };

struct SampleRequest {
  const int64_t* keys = nullptr;    // [count] molecule IDs (stream items)
  int64_t count = 0;
  const double* current = nullptr;  // [count, n, 3] current whole conformations (caller's length units)
  Orientation orientation = Orientation::Random;
  bool thermal_velocities = false;
  double kt_over_mvv2e = 0;         // kT / mvv2e in the caller's units (velocities: sqrt(that / mass))
  CounterKey key;
  double length_scale = 1.0;        // caller length units per model length unit
  double valid_tolerance = 0.2;     // Angstrom-like model units, bond length vs manifest reference
  double clash_distance = 0.75;     // model units
};

struct SampleResult {
  std::vector<double> placed;      // [count, n, 3], caller units
  std::vector<double> velocities;  // [count, n, 3] when thermal
  std::vector<int> valid;          // [count]
  int64_t n_valid = 0;
};

struct SamplerOptions {
  std::string device = "cpu";  // "cpu" or "cuda"
  int device_index = 0;        // the CUDA device of this process (the fix: its node-local rank's)
  int threads = 0;             // LibTorch CPU threads; 0 keeps LibTorch's setting
  int64_t chunk = 0;           // generator rows per call; 0: default_chunk(device)
};

class ReplicaSampler {
 public:
  // Rows per generator call. On one CPU thread the ethanol generator is 9% slower per sample at
  // 256 rows than at 1024, where it reaches its plateau (drift-bench BM_RunnerGenerate, medians of
  // 3: 187k samples/s at 256 rows, 197k at 512, 205k at 1024, 197k at 8192); a GPU needs tens of
  // thousands of rows to be busy. A rank with fewer molecules still pays one whole chunk per
  // event: many ranks with few molecules each want a smaller chunk.
  static int64_t default_chunk(const std::string& device) { return device == "cuda" ? 65536 : 1024; }
  static constexpr int64_t kMaxChunk = int64_t(1) << 22;

  ReplicaSampler(const std::string& model_path, const SamplerOptions& options);
  ~ReplicaSampler();
  const Manifest& manifest() const;
  const std::string& device() const;
  int64_t chunk() const;
  // Samples every replica of the request; `result` vectors are resized.
  void sample(const SampleRequest& request, SampleResult& result);
  // Bond lengths the validity check compares with (manifest bond_lengths, else none).
  bool has_reference_bond_lengths() const;
  static std::string libtorch_version();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace drift
