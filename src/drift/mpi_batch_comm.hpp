#pragma once
// BatchComm over an MPI communicator (MPI_COMM_WORLD for drift-train under mpirun).
#include <mpi.h>

#include "drift/batch_comm.hpp"

namespace drift {

class MpiBatchComm final : public BatchComm {
 public:
  explicit MpiBatchComm(MPI_Comm comm = MPI_COMM_WORLD);
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void sum(float* data, long n) const override;
  void sum(double* data, long n) const override;
  void max(float* data, long n) const override;
  void gather_all(const float* mine, float* all, const std::vector<long>& counts) const override;
  void barrier() const override;

 private:
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
};

// MPI for the lifetime of a tool: initialised here unless something already did, finalised at
// the end if it was initialised here. A rank that fails aborts the others (abort_all), which
// would otherwise wait forever in the next collective.
class MpiSession {
 public:
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  [[noreturn]] void abort_all(int code) const;

 private:
  bool owns_ = false;
  int rank_ = 0, size_ = 1;
};

}  // namespace drift
