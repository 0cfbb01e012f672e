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

// Standard normal from a row hash. Components 2q and 2q + 1 are the two Box-Muller normals of
// the uniforms 2q and 2q + 1 (r cos t and r sin t), so that a row costs one log and one sincos per
// pair of normals (row_normals).
DRIFT_HOST_DEVICE double row_normal(uint64_t row, uint64_t component) {
  const uint64_t even = component & ~uint64_t(1);
  const double r = ::sqrt(-2.0 * ::log(row_uniform(row, even)));
  const double t = 6.283185307179586 * row_uniform(row, even + 1);
  return r * ((component & 1) ? ::sin(t) : ::cos(t));  // C functions: device-callable
}

// out(k, value) for the normals of components first, ..., first + count - 1 of a row, equal value
// for value to row_normal (glibc's and CUDA's sincos give sin's and cos's bits).
template <class Out>
DRIFT_HOST_DEVICE void row_normals(uint64_t row, uint64_t first, int64_t count, Out&& out) {
  int64_t k = 0;
  if ((first & 1) && count > 0) {
    out(0, row_normal(row, first));
    k = 1;
  }
  for (; k + 1 < count; k += 2) {
    const uint64_t even = first + k;
    const double r = ::sqrt(-2.0 * ::log(row_uniform(row, even)));
    double s, c;
    ::sincos(6.283185307179586 * row_uniform(row, even + 1), &s, &c);
    out(k, r * c);
    out(k + 1, r * s);
  }
  if (k < count) out(k, row_normal(row, first + k));
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
    float* line = out + r * cols;
    row_normals(counter_row(key, first_item + r), 0, cols, [line](int64_t c, double z) { line[c] = static_cast<float>(z); });
  }
}

// Index in [0, n) of item `item`: floor(u n) with u uniform in (0, 1).
inline int64_t counter_index(const CounterKey& key, uint64_t item, int64_t n) {
  const auto k = static_cast<int64_t>(counter_uniform(key, item, 0) * static_cast<double>(n));
  return k < n ? k : n - 1;
}

}  // namespace drift
