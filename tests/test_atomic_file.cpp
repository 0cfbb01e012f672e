#include <filesystem>

#include "drift/atomic_file.hpp"
#include "test_util.hpp"

using drift_test::TempDir;

TEST(AtomicFile, ReplacesOnlyOnCommit) {
  TempDir dir;
  const auto path = dir.write("out.txt", "old\n");
  {
    drift::AtomicFile f(path);
    f.stream() << "new, unfinished";
    // destroyed without commit: as if the program failed half-way
  }
  EXPECT_EQ(drift_test::read_text(path), "old\n");
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename(), "out.txt") << "leftover temporary file " << e.path();
  {
    drift::AtomicFile f(path);
    f.stream() << "new\n";
    f.commit();
  }
  EXPECT_EQ(drift_test::read_text(path), "new\n");
}

TEST(AtomicFile, UnwritableTargetThrows) {
  EXPECT_THROW(drift::write_file_atomically("/nonexistent-dir/x.txt", "x"), std::runtime_error);
}
