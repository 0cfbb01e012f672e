#pragma once
// Extended XYZ (ASE's format): a count line, a comment line of key=value pairs, one line per atom.
// Energies and forces are written in the run's LAMMPS units under keys of their own,
// Properties=species:S:1:pos:R:3[:lammps_forces:R:3] lammps_energy=... lammps_units=real, because ASE
// takes `energy=` and a `forces` column as eV and eV/A: a file in kcal/mol under those names would be
// misread by a factor of 23 without a word (python/lammps_drift converts to an ASE calculator in eV).
// The reader also takes `energy=` and `forces` (files of ASE and of this project before lammps_units),
// in the LAMMPS units of the run that reads them.
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "drift/text_lines.hpp"

namespace drift {

struct XyzFrame {
  std::vector<std::string> species;
  std::vector<double> x;  // 3 per atom
  std::vector<double> f;  // 3 per atom, empty when absent
  double energy = 0.0;
  bool has_energy = false;
  // LAMMPS unit style of energy and forces (lammps_units=); empty when the file does not say.
  std::string units;
  std::map<std::string, std::string> info;  // every key=value of the comment line
  size_t size() const { return species.size(); }
};

// Parses key=value pairs; values may be "double quoted". Bare keys map to "T".
std::map<std::string, std::string> parse_extxyz_comment(const std::string& line);

class ExtxyzReader {
 public:
  explicit ExtxyzReader(const std::string& path);
  bool next(XyzFrame& frame);
  long frames_read() const { return frame_; }
  const std::string& path() const { return lines_.path(); }

 private:
  [[noreturn]] void fail(const std::string& what) const;
  LineReader lines_;
  long frame_ = 0;
};

void write_extxyz_frame(std::ostream& out, const XyzFrame& frame);

}  // namespace drift
