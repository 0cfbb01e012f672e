#pragma once
// Line-oriented reading with line numbers and strict number parsing, shared by the readers.
#include <fstream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace drift {

class LineReader {
 public:
  explicit LineReader(const std::string& path);
  // Next line without the trailing newline; false at end of file.
  bool next(std::string& line);
  long line_number() const { return line_number_; }
  // True when no further characters follow (the last line read was the file's last).
  bool at_eof();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ifstream in_;
  long line_number_ = 0;
};

std::vector<std::string_view> split_words(std::string_view line);
std::string_view trim(std::string_view s);

// Strict conversions: the whole word must be a finite number. Return false otherwise.
bool parse_double(std::string_view word, double& value);
bool parse_long(std::string_view word, long& value);

// Writes count values, each as " %.10g" (enough digits for a round trip of MD data).
void write_numbers(std::ostream& out, const double* values, int count);

}  // namespace drift
