#include "drift/extxyz.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <stdexcept>

#include "drift/error.hpp"

namespace drift {

std::map<std::string, std::string> parse_extxyz_comment(const std::string& line) {
  std::map<std::string, std::string> kv;
  size_t i = 0;
  const size_t n = line.size();
  while (i < n) {
    while (i < n && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= n) break;
    size_t k = i;
    while (k < n && line[k] != '=' && line[k] != ' ' && line[k] != '\t') ++k;
    std::string key = line.substr(i, k - i);
    if (k >= n || line[k] != '=') {
      kv[key] = "T";
      i = k;
      continue;
    }
    ++k;  // skip '='
    std::string value;
    if (k < n && line[k] == '"') {
      size_t e = line.find('"', k + 1);
      if (e == std::string::npos) e = n;
      value = line.substr(k + 1, e - k - 1);
      i = e + 1;
    } else {
      size_t e = k;
      while (e < n && line[e] != ' ' && line[e] != '\t') ++e;
      value = line.substr(k, e - k);
      i = e;
    }
    kv[key] = value;
  }
  return kv;
}

ExtxyzReader::ExtxyzReader(const std::string& path) : lines_(path) {}

void ExtxyzReader::fail(const std::string& what) const {
  throw InputError(lines_.path(), lines_.line_number(), frame_, what);
}

bool ExtxyzReader::next(XyzFrame& frame) {
  std::string line;
  do {
    if (!lines_.next(line)) return false;
  } while (trim(line).empty());
  ++frame_;
  long natoms;
  {
    auto w = split_words(line);
    if (w.size() != 1 || !parse_long(w[0], natoms) || natoms <= 0)
      fail("expected a positive atom count on the first line of the frame, found '" + line.substr(0, 60) + "'");
  }
  if (!lines_.next(line)) fail("truncated frame: no comment line");
  if (lines_.at_eof()) fail("truncated frame: no atom lines after the comment line");
  frame = XyzFrame{};
  frame.info = parse_extxyz_comment(line);
  auto props_it = frame.info.find("Properties");
  const std::string props = props_it == frame.info.end() ? "species:S:1:pos:R:3" : props_it->second;

  // Properties: name:type:count triples; record the columns of species, pos and forces.
  // Column counts are bounded before they size or index anything (a count of 4294967294 must not
  // wrap the total into a small number and let pos_col + 2 read past the line's words).
  constexpr long kMaxColumns = 10000;
  int species_col = -1, pos_col = -1, force_col = -1, total_cols = 0;
  {
    std::vector<std::string> parts;
    size_t b = 0;
    while (b <= props.size()) {
      size_t e = props.find(':', b);
      if (e == std::string::npos) e = props.size();
      parts.push_back(props.substr(b, e - b));
      b = e + 1;
    }
    if (parts.size() % 3 != 0) fail("Properties must be name:type:count triples, found '" + props + "'");
    for (size_t p = 0; p < parts.size(); p += 3) {
      long count;
      if (!parse_long(parts[p + 2], count) || count < 1) fail("bad column count in Properties '" + props + "'");
      if (count > kMaxColumns - total_cols)
        fail("Properties announce more than " + std::to_string(kMaxColumns) + " columns ('" + props.substr(0, 80) + "')");
      const std::string& name = parts[p];
      if (name == "species") species_col = total_cols;
      if (name == "pos") {
        if (count != 3) fail("Properties: pos must have 3 columns");
        pos_col = total_cols;
      }
      if (name == "forces" || name == "force" || name == "lammps_forces") {
        if (count != 3) fail("Properties: " + name + " must have 3 columns");
        if (force_col >= 0) fail("Properties name forces twice (" + props + ")");
        force_col = total_cols;
      }
      total_cols += static_cast<int>(count);
    }
  }
  if (species_col < 0) fail("Properties lack 'species:S:1'");
  if (pos_col < 0) fail("Properties lack 'pos:R:3'");
  if (frame.info.count("energy") && frame.info.count("lammps_energy"))
    fail("both energy= and lammps_energy= are given: one energy per frame");
  for (const char* key : {"energy", "lammps_energy"}) {
    auto it = frame.info.find(key);
    if (it == frame.info.end()) continue;
    if (!parse_double(it->second, frame.energy)) fail(std::string(key) + "= is not a finite number: '" + it->second + "'");
    frame.has_energy = true;
  }
  if (auto it = frame.info.find("lammps_units"); it != frame.info.end()) {
    static const char* const styles[] = {"real", "metal", "si", "cgs", "electron", "micro", "nano", "lj"};
    if (std::find(std::begin(styles), std::end(styles), it->second) == std::end(styles))
      fail("lammps_units= must be a LAMMPS unit style (real, metal, si, cgs, electron, micro, nano, lj), found '" +
           it->second.substr(0, 40) + "'");
    frame.units = it->second;
  }
  // Buffers grow with the atom lines actually read, never to an announced count up front.
  auto grow_to = [&](long size) {
    frame.species.resize(size);
    frame.x.resize(3 * size);
    if (force_col >= 0) frame.f.resize(3 * size);
  };
  grow_to(std::min(natoms, 4096L));
  for (long i = 0; i < natoms; ++i) {
    if (i == static_cast<long>(frame.species.size())) grow_to(std::min(natoms, 2 * i));
    if (!lines_.next(line)) fail("truncated frame: expected " + std::to_string(natoms) + " atom lines, got " + std::to_string(i));
    auto w = split_words(line);
    if (static_cast<int>(w.size()) < total_cols && lines_.at_eof())
      fail("truncated frame: expected " + std::to_string(natoms) + " atom lines, the last one is incomplete");
    if (static_cast<int>(w.size()) != total_cols)
      fail("expected " + std::to_string(total_cols) + " columns (Properties=" + props + "), found " + std::to_string(w.size()));
    frame.species[i] = std::string(w[species_col]);
    for (int d = 0; d < 3; ++d) {
      if (!parse_double(w[pos_col + d], frame.x[3 * i + d])) fail("bad or non-finite coordinate '" + std::string(w[pos_col + d]) + "'");
      if (force_col >= 0 && !parse_double(w[force_col + d], frame.f[3 * i + d]))
        fail("bad or non-finite force '" + std::string(w[force_col + d]) + "'");
    }
  }
  return true;
}

void write_extxyz_frame(std::ostream& out, const XyzFrame& frame) {
  const size_t n = frame.size();
  const bool forces = !frame.f.empty();
  out << n << "\nProperties=species:S:1:pos:R:3" << (forces ? ":lammps_forces:R:3" : "");
  char buf[128];
  if (frame.has_energy) {
    std::snprintf(buf, sizeof buf, " lammps_energy=%.10g", frame.energy);
    out << buf;
  }
  if (frame.has_energy || forces) {
    if (frame.units.empty()) throw std::invalid_argument("write_extxyz_frame: energy or forces without their LAMMPS unit style");
    out << " lammps_units=" << frame.units;
  }
  for (const auto& [key, value] : frame.info) {
    if (key == "Properties" || key == "energy" || key == "lammps_energy" || key == "lammps_units" || key == "pbc")
      continue;
    out << ' ' << key << '=' << (value.find(' ') != std::string::npos ? "\"" + value + "\"" : value);
  }
  out << " pbc=\"F F F\"\n";
  for (size_t i = 0; i < n; ++i) {
    out << frame.species[i];
    write_numbers(out, &frame.x[3 * i], 3);
    if (forces) write_numbers(out, &frame.f[3 * i], 3);
    out << '\n';
  }
}

}  // namespace drift
