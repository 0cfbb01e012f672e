#include <gtest/gtest.h>

#ifdef DRIFT_WITH_LAMMPS
#include <library.h>
#endif

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const int rc = RUN_ALL_TESTS();
#ifdef DRIFT_WITH_LAMMPS
  lammps_mpi_finalize();
#endif
  return rc;
}
