#pragma once
// Errors for bad input: every message names the file and, where known, the line and frame.
#include <stdexcept>
#include <string>

namespace drift {

class InputError : public std::runtime_error {
 public:
  // line and frame are 1-based; pass 0 when unknown.
  InputError(const std::string& file, long line, long frame, const std::string& what);
  const std::string& file() const { return file_; }
  long line() const { return line_; }
  long frame() const { return frame_; }

 private:
  std::string file_;
  long line_;
  long frame_;
};

}  // namespace drift
