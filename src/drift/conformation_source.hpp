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
  ConformationSource(const std::string& path, const Topology& topo);
  // Next conformation; false at end of file. Throws InputError on bad input.
  bool next(Conformation& c);
  const std::string& path() const { return path_; }
  TrajectoryFormat format() const { return format_; }
  // The LAMMPS unit style the file declares for its energies and forces (extxyz lammps_units=), or ""
  // when it does not say (a dump, or an extxyz without the key). Valid after next().
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
