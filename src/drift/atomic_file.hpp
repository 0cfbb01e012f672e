#pragma once
// Output that never leaves a partial file where a good one was: writes go to a temporary
// file next to the target, which replaces the target only on commit().
#include <fstream>
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

// Convenience: writes the whole text atomically.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace drift
