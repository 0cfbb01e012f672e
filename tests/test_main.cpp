#include <gtest/gtest.h>

#include "drift/allocator.hpp"

#ifdef DRIFT_WITH_LAMMPS
#include <library.h>
#endif

int main(int argc, char** argv) {
  drift::keep_large_allocations_in_heap();  // as in the programs under test
  ::testing::InitGoogleTest(&argc, argv);
  const int rc = RUN_ALL_TESTS();
#ifdef DRIFT_WITH_LAMMPS
  lammps_mpi_finalize();
#endif
  return rc;
}
