#pragma once
// Plain std::thread fan-out for the O(n^2) and O(n r) passes of the Stein weights (drift_core has
// no Kokkos or OpenMP): body(t) for t in [0, threads), the caller's thread running t = 0.
#include <thread>
#include <vector>

namespace drift {

// `requested` threads, or every hardware thread when it is 0 or less.
inline int thread_count(int requested) {
  if (requested > 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

template <class Body>
void run_on_threads(int threads, Body body) {
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(body, t);
  body(0);
  for (auto& th : pool) th.join();
}

}  // namespace drift
