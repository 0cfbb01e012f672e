#include "drift/text_lines.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "drift/error.hpp"

namespace drift {

LineReader::LineReader(const std::string& path) : path_(path), in_(path) {
  if (!in_) throw InputError(path, 0, 0, "cannot open file for reading");
}

bool LineReader::next(std::string& line) {
  if (!std::getline(in_, line)) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  ++line_number_;
  return true;
}

bool LineReader::at_eof() { return in_.peek() == std::char_traits<char>::eof(); }

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) words.emplace_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

bool parse_double(std::string_view word, double& value) {
  if (word.empty()) return false;
  // strtod accepts Fortran-free C formats; copy to guarantee termination.
  std::string buf(word);
  char* end = nullptr;
  value = std::strtod(buf.c_str(), &end);
  return end == buf.c_str() + buf.size() && std::isfinite(value);
}

bool parse_long(std::string_view word, long& value) {
  if (word.empty()) return false;
  const char* first = word.data();
  if (*first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, word.data() + word.size(), value);
  return ec == std::errc() && ptr == word.data() + word.size();
}

}  // namespace drift

namespace drift {

void write_numbers(std::ostream& out, const double* values, int count) {
  char buf[32];
  for (int k = 0; k < count; ++k) {
    std::snprintf(buf, sizeof buf, " %.10g", values[k]);
    out << buf;
  }
}

}  // namespace drift
