#pragma once
// What every reader harness shares: the fuzzer's bytes as a file the reader opens by path (an
// anonymous in-memory file, so no disk traffic), and the one accepted way to fail.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <typeinfo>

namespace drift::fuzz {

class InputFile {
 public:
  InputFile(const uint8_t* data, size_t size) {
    fd_ = memfd_create("drift-fuzz-input", 0);
    if (fd_ < 0) std::abort();
    for (size_t done = 0; done < size;) {
      const ssize_t n = write(fd_, data + done, size - done);
      if (n <= 0) std::abort();
      done += static_cast<size_t>(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~InputFile() { close(fd_); }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

// Runs one read. Bad input must end in a runtime_error (InputError for the text readers) whose
// message names the file; any other exception (std::length_error, std::out_of_range from an
// unchecked std::stoi, std::bad_alloc from a count taken on trust) or an unnamed file is a bug and
// aborts, so libFuzzer keeps the input as a crash. Sanitizers catch the rest.
template <class Read>
void read_or_reject(const std::string& name, Read&& read) {
  try {
    read();
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).find(name) == std::string::npos) {
      std::fprintf(stderr, "rejection does not name the file '%s': %s\n", name.c_str(), e.what());
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "not a clean rejection (%s): %s\n", typeid(e).name(), e.what());
    std::abort();
  }
}

}  // namespace drift::fuzz
