#pragma once
// Counter-based random numbers: every value is a pure function of (seed, stream, event, item,
// component), so a sample does not depend on which MPI rank or thread draws it, nor on the
// order of the draws, and a restart needs only the event counter. splitmix64 finalisers
// chained over the key words (Steele, Lea & Flood 2014); Box-Muller for normals.
#include <math.h>
#include <cstdint>

#if defined(KOKKOS_INLINE_FUNCTION)
#define DRIFT_HOST_DEVICE KOKKOS_INLINE_FUNCTION
#else
#define DRIFT_HOST_DEVICE inline
#endif

namespace drift {

struct CounterKey {
  uint64_t seed = 0;
  uint64_t stream = 0;  // e.g. the LAMMPS partition
  uint64_t event = 0;   // e.g. the sampling event counter
};

DRIFT_HOST_DEVICE uint64_t splitmix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The key and item part of the hash, shared by every component of an item: a row of noise,
// a rotation or a molecule's velocities hashes it once, then one finaliser per component.
DRIFT_HOST_DEVICE uint64_t counter_row(const CounterKey& key, uint64_t item) {
  uint64_t h = splitmix64(key.seed);
  h = splitmix64(h ^ key.stream);
  h = splitmix64(h ^ key.event);
  return splitmix64(h ^ item);
}

DRIFT_HOST_DEVICE uint64_t counter_hash(const CounterKey& key, uint64_t item, uint64_t component) {
  return splitmix64(counter_row(key, item) ^ component);
}

// Uniform in (0, 1) from a row hash: 53 random bits, never 0.
DRIFT_HOST_DEVICE double row_uniform(uint64_t row, uint64_t component) {
  return (static_cast<double>(splitmix64(row ^ component) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

// Standard normal from a row hash; component c uses the uniforms 2c and 2c + 1.
DRIFT_HOST_DEVICE double row_normal(uint64_t row, uint64_t component) {
  const double u1 = row_uniform(row, 2 * component);
  const double u2 = row_uniform(row, 2 * component + 1);
  return ::sqrt(-2.0 * ::log(u1)) * ::cos(6.283185307179586 * u2);  // C functions: device-callable
}

DRIFT_HOST_DEVICE double counter_uniform(const CounterKey& key, uint64_t item, uint64_t component) {
  return row_uniform(counter_row(key, item), component);
}

DRIFT_HOST_DEVICE double counter_normal(const CounterKey& key, uint64_t item, uint64_t component) {
  return row_normal(counter_row(key, item), component);
}

// The one source of generator noise: rows [first_item, first_item + rows) of a float32 noise
// matrix with `cols` columns, row-major; row r is item r of the key. The fix's fill_noise draws
// the same values for molecule ID r (replica_kernels), drift-sample for conformation r, the
// trainer for row r of a step's batch.
inline void fill_normal_rows(const CounterKey& key, uint64_t first_item, int64_t rows, int64_t cols, float* out) {
  for (int64_t r = 0; r < rows; ++r) {
    const uint64_t row = counter_row(key, first_item + r);
    for (int64_t c = 0; c < cols; ++c) out[r * cols + c] = static_cast<float>(row_normal(row, c));
  }
}

// Index in [0, n) of item `item`: floor(u n) with u uniform in (0, 1).
inline int64_t counter_index(const CounterKey& key, uint64_t item, int64_t n) {
  const auto k = static_cast<int64_t>(counter_uniform(key, item, 0) * static_cast<double>(n));
  return k < n ? k : n - 1;
}

}  // namespace drift
