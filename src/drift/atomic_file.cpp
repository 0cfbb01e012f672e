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

AppendFile::~AppendFile() { close(); }

void AppendFile::create(const std::string& path) {
  close();
  path_ = path;
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) throw std::runtime_error(path + ": cannot create: " + std::error_code(errno, std::generic_category()).message());
}

long long AppendFile::open(const std::string& path, const RecordLines& record_lines, const std::string& expected, long long keep) {
  close();
  path_ = path;
  long long records = 0;
  std::streamoff cut = 0;
  {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    long lineno = 0;
    while ((keep < 0 || records < keep) && std::getline(in, line)) {
      ++lineno;
      const long more = record_lines(line);
      if (more < 0)
        throw std::runtime_error(path + " line " + std::to_string(lineno) + ": expected " + expected + ", got '" +
                                 line.substr(0, 80) + "'");
      bool whole = true;
      for (long k = 0; k < more && whole; ++k) {
        whole = static_cast<bool>(std::getline(in, line));
        ++lineno;
      }
      // A record whose last line has no newline is torn too (the write stopped inside it).
      if (!whole || in.eof()) break;
      ++records;
      cut = in.tellg();
    }
  }
  if (std::ifstream(path).good() && truncate(path.c_str(), static_cast<off_t>(cut)) != 0)
    throw std::runtime_error(path + ": cannot cut it after its whole records: " +
                             std::error_code(errno, std::generic_category()).message());
  file_ = std::fopen(path.c_str(), "ab");
  if (!file_) throw std::runtime_error(path + ": cannot append: " + std::error_code(errno, std::generic_category()).message());
  return records;
}

void AppendFile::append(const std::string& records) {
  if (!file_) throw std::logic_error("AppendFile::append: no file open");
  if (std::fwrite(records.data(), 1, records.size(), file_) != records.size() || std::fflush(file_) != 0)
    throw std::runtime_error(path_ + ": write failed: " + std::error_code(errno, std::generic_category()).message());
}

void AppendFile::close() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  AtomicFile f(path);
  f.stream() << text;
  f.commit();
}

}  // namespace drift
