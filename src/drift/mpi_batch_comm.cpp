#include "drift/mpi_batch_comm.hpp"

#include <climits>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace drift {

namespace {

int checked_count(long n) {
  if (n < 0 || n > INT_MAX)
    throw std::runtime_error("MpiBatchComm: a block of " + std::to_string(n) + " values exceeds MPI's int counts");
  return static_cast<int>(n);
}

}  // namespace

MpiBatchComm::MpiBatchComm(MPI_Comm comm) : comm_(comm) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

void MpiBatchComm::sum(float* data, long n) const {
  MPI_Allreduce(MPI_IN_PLACE, data, checked_count(n), MPI_FLOAT, MPI_SUM, comm_);
}

void MpiBatchComm::sum(double* data, long n) const {
  MPI_Allreduce(MPI_IN_PLACE, data, checked_count(n), MPI_DOUBLE, MPI_SUM, comm_);
}

void MpiBatchComm::max(float* data, long n) const {
  MPI_Allreduce(MPI_IN_PLACE, data, checked_count(n), MPI_FLOAT, MPI_MAX, comm_);
}

void MpiBatchComm::gather_all(const float* mine, float* all, const std::vector<long>& counts) const {
  if (static_cast<int>(counts.size()) != size_) throw std::runtime_error("MpiBatchComm::gather_all: one count per rank expected");
  std::vector<int> n(size_), offset(size_);
  long total = 0;
  for (int r = 0; r < size_; ++r) {
    n[r] = checked_count(counts[r]);
    offset[r] = checked_count(total);
    total += counts[r];
  }
  checked_count(total);
  MPI_Allgatherv(mine, n[rank_], MPI_FLOAT, all, n.data(), offset.data(), MPI_FLOAT, comm_);
}

void MpiBatchComm::barrier() const { MPI_Barrier(comm_); }

MpiSession::MpiSession(int* argc, char*** argv) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    MPI_Init(argc, argv);
    owns_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() {
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (owns_ && !finalised) MPI_Finalize();
}

void MpiSession::abort_all(int code) const {
  if (size_ > 1) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

}  // namespace drift
