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

namespace {

// Records as in the fix's samples file: a count line "2" followed by two lines.
long two_line_records(const std::string& first) { return first == "2" ? 2 : -1; }

}  // namespace

// Append mode keeps whole records only: a torn tail (a record cut short, or whose last line has
// no newline) is cut, `keep` cuts what follows the first records, and appends go after the kept
// ones. Mutations that make it fail (tried): not truncating (the torn tail stays before the new
// record), counting a record without its final newline as whole, ignoring keep.
TEST(AppendFile, KeepsWholeRecordsAndCutsATornTail) {
  TempDir dir;
  const std::string whole = "2\na\nb\n2\nc\nd\n";
  const auto path = dir.write("s.txt", whole + "2\ne\n");  // third record torn after one line
  {
    drift::AppendFile f;
    EXPECT_EQ(f.open(path, two_line_records, "a record"), 2);
    f.append("2\nx\ny\n");
  }
  EXPECT_EQ(drift_test::read_text(path), whole + "2\nx\ny\n");
  dir.write("s.txt", whole + "2\ne\nf");  // last line without its newline: torn as well
  {
    drift::AppendFile f;
    EXPECT_EQ(f.open(path, two_line_records, "a record"), 2);
  }
  EXPECT_EQ(drift_test::read_text(path), whole);
  {
    drift::AppendFile f;
    EXPECT_EQ(f.open(path, two_line_records, "a record", 1), 1);  // the restart point: one record
    f.append("2\nz\nw\n");
  }
  EXPECT_EQ(drift_test::read_text(path), "2\na\nb\n2\nz\nw\n");
}

// A file that is not made of such records is refused with its line, and left as it was; a
// missing file is created. Mutation: validating after truncating (the file is emptied).
TEST(AppendFile, RefusesAForeignFileUntouched) {
  TempDir dir;
  const auto path = dir.write("notes.txt", "2\na\nb\nnotes about this run\n");
  drift::AppendFile f;
  try {
    f.open(path, two_line_records, "the record count 2");
    ADD_FAILURE() << "a foreign line was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("notes.txt line 4: expected the record count 2, got 'notes about this run'"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(drift_test::read_text(path), "2\na\nb\nnotes about this run\n");
  const auto fresh = dir.file("new.txt");
  EXPECT_EQ(f.open(fresh, two_line_records, "a record"), 0);
  f.append("2\na\nb\n");
  f.close();
  EXPECT_EQ(drift_test::read_text(fresh), "2\na\nb\n");
}
