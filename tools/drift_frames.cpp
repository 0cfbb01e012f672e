// drift-frames: converts and subsets molecule ensembles (LAMMPS dump <-> extended XYZ),
// keeping forces and energies, e.g. to split a trajectory into halves or to export samples.
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "drift/atomic_file.hpp"
#include "drift/conformation_source.hpp"
#include "drift/conformation_writer.hpp"
#include "drift/topology.hpp"

int main(int argc, char** argv) {
  std::string data, input, output, range, units = "real";
  long stride = 1;
  CLI::App app{
      "drift-frames: copy the conformations of selected frames of a LAMMPS dump or extended XYZ file into a new\n"
      "file (extended XYZ for .xyz/.extxyz outputs, otherwise a LAMMPS dump). Frames are numbered from 1 in the\n"
      "input; the output replaces its target only when complete."};
  app.add_option("-d,--data", data, "LAMMPS data file of the molecule")->required()->check(CLI::ExistingFile);
  app.add_option("input", input, "input dump or extxyz")->required()->check(CLI::ExistingFile);
  app.add_option("output", output, "output file")->required();
  app.add_option("--frames", range, "inclusive frame range FIRST:LAST (either may be empty), e.g. 1:50 or 51:");
  app.add_option("--units", units, "LAMMPS units of the input's energies and forces, written as lammps_units= in extxyz "
                                    "(an extxyz input that declares its own must agree)")->capture_default_str();
  app.add_option("--stride", stride, "keep every STRIDE-th frame of the range")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  try {
    long first = 1, last = -1;
    if (!range.empty()) {
      const auto colon = range.find(':');
      if (colon == std::string::npos) throw std::runtime_error("--frames must be FIRST:LAST, got '" + range + "'");
      const std::string a = range.substr(0, colon), b = range.substr(colon + 1);
      if (!a.empty()) first = std::stol(a);
      if (!b.empty()) last = std::stol(b);
      if (first < 1 || (last >= 0 && last < first)) throw std::runtime_error("--frames: empty or invalid range '" + range + "'");
    }
    const auto topo = drift::read_lammps_data(data);
    auto ends_with = [&](const std::string& suffix) {
      return output.size() >= suffix.size() && output.compare(output.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    const bool to_xyz = ends_with(".xyz") || ends_with(".extxyz");
    drift::ConformationSource source(input, topo, units);
    drift::AtomicFile out(output);
    drift::Conformation c;
    std::vector<drift::Conformation> frame;
    long current = 0, frames_written = 0, confs_written = 0, last_frame_written = -1;
    auto flush = [&] {
      if (frame.empty()) return;
      if (!to_xyz) drift::write_conformations_dump(out.stream(), topo, frame, current);
      frame.clear();
    };
    while (source.next(c)) {
      if (c.frame != current) {
        flush();
        current = c.frame;
      }
      if (last >= 0 && c.frame > last) break;
      if (c.frame < first || (c.frame - first) % stride != 0) continue;
      ++confs_written;
      if (c.frame != last_frame_written) {
        ++frames_written;
        last_frame_written = c.frame;
      }
      if (to_xyz) drift::write_conformation_extxyz(out.stream(), topo, c, units);
      else frame.push_back(c);
    }
    flush();
    out.commit();
    std::cerr << "drift-frames: wrote " << confs_written << " conformations (" << frames_written << " frames) to " << output
              << "\n";
  } catch (const std::exception& e) {
    std::cerr << "drift-frames: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
