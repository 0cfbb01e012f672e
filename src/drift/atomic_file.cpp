#include "drift/atomic_file.hpp"

#include <cstdio>
#include <random>
#include <stdexcept>
#include <system_error>
#include <unistd.h>

namespace drift {

AtomicFile::AtomicFile(const std::string& path) : path_(path) {
  std::random_device rd;
  tmp_path_ = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(rd() % 1000000);
  out_.open(tmp_path_, std::ios::out | std::ios::trunc);
  if (!out_) throw std::runtime_error(path + ": cannot create temporary file " + tmp_path_);
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    out_.close();
    std::remove(tmp_path_.c_str());
  }
}

void AtomicFile::commit() {
  out_.flush();
  if (!out_) throw std::runtime_error(path_ + ": write failed (disk full?)");
  out_.close();
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    std::error_code ec(errno, std::generic_category());
    std::remove(tmp_path_.c_str());
    throw std::runtime_error(path_ + ": cannot replace file: " + ec.message());
  }
  committed_ = true;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  AtomicFile f(path);
  f.stream() << text;
  f.commit();
}

}  // namespace drift
