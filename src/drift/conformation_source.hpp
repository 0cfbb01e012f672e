#pragma once
// Streams one molecule conformation at a time out of a LAMMPS dump or an extended XYZ file,
// checked against the molecule's topology (atom count, type/element order) and made whole.
#include <deque>
#include <memory>
#include <string>

#include "drift/extxyz.hpp"
#include "drift/frames.hpp"
#include "drift/lammps_dump.hpp"
#include "drift/topology.hpp"

namespace drift {

enum class TrajectoryFormat { LammpsDump, Extxyz };

// From the extension (.xyz, .extxyz) or else the first line ("ITEM:" means a dump).
TrajectoryFormat detect_format(const std::string& path);

class ConformationSource {
 public:
  // expected_units: the LAMMPS unit style the caller works in; an extxyz frame that declares another
  // (lammps_units=) is an InputError. Empty: no expectation, but one style per file still holds.
  ConformationSource(const std::string& path, const Topology& topo, const std::string& expected_units = "");
  // Next conformation; false at end of file. Throws InputError on bad input.
  bool next(Conformation& c);
  const std::string& path() const { return path_; }
  TrajectoryFormat format() const { return format_; }
  // The unit style in force: the expected one, else what the file declared (extxyz lammps_units=) in
  // the frames read so far, else "" (a dump, or an extxyz without the key).
  const std::string& units() const { return units_; }

 private:
  void split_dump_frame();
  void take_xyz_frame();

  std::string path_;
  const Topology& topo_;
  TrajectoryFormat format_;
  std::unique_ptr<LammpsDumpReader> dump_;
  std::unique_ptr<ExtxyzReader> xyz_;
  AtomFrame frame_;
  XyzFrame xyz_frame_;
  std::deque<Conformation> queue_;
  std::string units_;
};

}  // namespace drift
