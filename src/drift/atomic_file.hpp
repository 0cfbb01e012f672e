#pragma once
// Output that never leaves a partial file where a good one was: writes go to a temporary
// file next to the target, which replaces the target only on commit().
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>

namespace drift {

class AtomicFile {
 public:
  explicit AtomicFile(const std::string& path);
  ~AtomicFile();  // removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return out_; }
  // Flushes, checks for write errors and renames over the target. Throws on failure.
  void commit();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string tmp_path_;
  std::ofstream out_;
  bool committed_ = false;
};

// Append mode, for a file of records that grows while a program runs (the fix's samples): the
// file only ever holds whole records. open() keeps the file's first `keep` whole records (every
// whole record when keep < 0) and cuts what follows them, such as a torn record of an interrupted
// write; append() writes whole records and flushes, so a crash leaves whole records and at most
// a torn tail, which the next open() cuts. A record starts with a line that says how many more
// lines it has (record_lines: that count, or -1 when the line cannot start a record: open() then
// throws naming the file, the line and `expected`, and changes nothing).
class AppendFile {
 public:
  using RecordLines = std::function<long(const std::string& first_line)>;
  AppendFile() = default;
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  // A new, empty file (an existing one is replaced).
  void create(const std::string& path);
  // Continues `path` (created when missing); returns the number of whole records kept.
  long long open(const std::string& path, const RecordLines& record_lines, const std::string& expected, long long keep = -1);
  // Writes and flushes; throws naming the file on a write error.
  void append(const std::string& records);
  void close();
  bool is_open() const { return file_ != nullptr; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  FILE* file_ = nullptr;
};

// Convenience: writes the whole text atomically.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace drift
