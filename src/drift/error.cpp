#include "drift/error.hpp"

namespace drift {

namespace {
std::string compose(const std::string& file, long line, long frame, const std::string& what) {
  std::string where = file;
  if (line > 0) where += ":" + std::to_string(line);
  if (frame > 0) where += " (frame " + std::to_string(frame) + ")";
  return where + ": " + what;
}
}  // namespace

InputError::InputError(const std::string& file, long line, long frame, const std::string& what)
    : std::runtime_error(compose(file, line, frame, what)), file_(file), line_(line), frame_(frame) {}

}  // namespace drift
