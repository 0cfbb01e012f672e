#pragma once
// Collective operations among the ranks that share one training batch (data-parallel drift-train).
// Plain buffers only: the LibTorch code hands over tensor data, the MPI implementation
// (mpi_batch_comm.hpp) knows nothing of LibTorch.
#include <utility>
#include <vector>

namespace drift {

class BatchComm {
 public:
  virtual ~BatchComm() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // In place, element by element over all ranks.
  virtual void sum(float* data, long n) const = 0;
  virtual void sum(double* data, long n) const = 0;
  virtual void max(float* data, long n) const = 0;
  // Every rank's block in rank order: rank r contributes counts[r] values.
  virtual void gather_all(const float* mine, float* all, const std::vector<long>& counts) const = 0;
  virtual void barrier() const = 0;
};

// The rows [first, last) of a batch of `total` rows that rank `rank` of `ranks` owns: contiguous,
// sizes differing by at most one, in rank order.
inline std::pair<long, long> batch_rows(long total, int rank, int ranks) {
  return {total * rank / ranks, total * (rank + 1) / ranks};
}

}  // namespace drift
