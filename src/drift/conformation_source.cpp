#include "drift/conformation_source.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <numeric>

#include "drift/error.hpp"
#include "drift/text_lines.hpp"
#include "drift/unwrap.hpp"

namespace drift {

namespace {
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

TrajectoryFormat detect_format(const std::string& path) {
  if (ends_with(path, ".xyz") || ends_with(path, ".extxyz")) return TrajectoryFormat::Extxyz;
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, 0, "cannot open file for reading");
  std::string line;
  while (std::getline(in, line))
    if (!trim(line).empty()) break;
  if (line.rfind("ITEM:", 0) == 0) return TrajectoryFormat::LammpsDump;
  long n;
  auto w = split_words(line);
  if (w.size() == 1 && parse_long(w[0], n)) return TrajectoryFormat::Extxyz;
  throw InputError(path, 1, 0, "unknown trajectory format: expected a LAMMPS text dump (ITEM: TIMESTEP) or extended XYZ");
}

ConformationSource::ConformationSource(const std::string& path, const Topology& topo, const std::string& expected_units)
    : path_(path), topo_(topo), format_(detect_format(path)), units_(expected_units) {
  if (format_ == TrajectoryFormat::LammpsDump) dump_ = std::make_unique<LammpsDumpReader>(path);
  else xyz_ = std::make_unique<ExtxyzReader>(path);
}

bool ConformationSource::next(Conformation& c) {
  while (queue_.empty()) {
    if (dump_) {
      if (!dump_->next(frame_)) return false;
      split_dump_frame();
    } else {
      if (!xyz_->next(xyz_frame_)) return false;
      take_xyz_frame();
    }
  }
  c = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

void ConformationSource::split_dump_frame() {
  const long frame_no = dump_->frames_read();
  const size_t natoms = frame_.size();
  const int n = topo_.n_atoms;
  auto fail = [&](const std::string& what) { throw InputError(path_, 0, frame_no, what); };

  std::vector<size_t> order(natoms);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return frame_.ids[a] < frame_.ids[b]; });

  // Groups of atom indices, one per molecule, each in atom-ID order.
  std::vector<std::pair<long, std::vector<size_t>>> groups;
  if (!frame_.mols.empty()) {
    std::map<long, std::vector<size_t>> by_mol;
    for (size_t k : order) by_mol[frame_.mols[k]].push_back(k);
    for (auto& [mol, idx] : by_mol) {
      if (static_cast<int>(idx.size()) != n)
        fail("molecule " + std::to_string(mol) + " has " + std::to_string(idx.size()) + " atoms, the data file (" +
             topo_.source + ") says " + std::to_string(n));
      groups.emplace_back(mol, std::move(idx));
    }
  } else {
    if (natoms % n != 0)
      fail("wrong atom count: " + std::to_string(natoms) + " atoms is not a multiple of the " + std::to_string(n) +
           " atoms per molecule of " + topo_.source + " (add a 'mol' column to the dump to group atoms)");
    for (size_t m = 0; m < natoms / n; ++m)
      groups.emplace_back(static_cast<long>(m + 1), std::vector<size_t>(order.begin() + m * n, order.begin() + (m + 1) * n));
  }

  for (auto& [mol, idx] : groups) {
    Conformation c;
    c.frame = frame_no;
    c.molecule = mol;
    c.x.resize(3 * n);
    if (!frame_.f.empty()) c.f.resize(3 * n);
    double energy = 0.0;
    if (!frame_.weight.empty()) {
      c.weight = frame_.weight[idx[0]];
      for (int a = 1; a < n; ++a)
        if (frame_.weight[idx[a]] != c.weight)
          fail("molecule " + std::to_string(mol) + ": its atoms carry different weights (" + std::to_string(c.weight) +
               " and " + std::to_string(frame_.weight[idx[a]]) + "); a conformation has one weight");
    }
    for (int a = 0; a < n; ++a) {
      const size_t k = idx[a];
      if (frame_.types[k] != topo_.types[a])
        fail("molecule " + std::to_string(mol) + ", atom " + std::to_string(a + 1) + " (id " + std::to_string(frame_.ids[k]) +
             ") has type " + std::to_string(frame_.types[k]) + " but the data file (" + topo_.source + ") says type " +
             std::to_string(topo_.types[a]) + ": atom order must match the data file");
      for (int d = 0; d < 3; ++d) {
        double v = frame_.x[3 * k + d];
        if (!frame_.unwrapped && !frame_.image.empty()) v += frame_.image[3 * k + d] * frame_.box.length(d);
        c.x[3 * a + d] = v;
        if (!frame_.f.empty()) c.f[3 * a + d] = frame_.f[3 * k + d];
      }
      if (!frame_.pe.empty()) energy += frame_.pe[k];
    }
    if (!frame_.pe.empty()) c.energy = energy;
    unwrap_molecule(topo_, frame_.box, c.x);
    queue_.push_back(std::move(c));
  }
}

void ConformationSource::take_xyz_frame() {
  const long frame_no = xyz_->frames_read();
  const int n = topo_.n_atoms;
  if (static_cast<int>(xyz_frame_.size()) != n)
    throw InputError(path_, 0, frame_no, "wrong atom count: frame has " + std::to_string(xyz_frame_.size()) +
                                             " atoms, the data file (" + topo_.source + ") says " + std::to_string(n) +
                                             " (one molecule per extxyz frame)");
  for (int a = 0; a < n; ++a) {
    const std::string& want = topo_.elements[a];
    if (want[0] != 'X' && xyz_frame_.species[a] != want)
      throw InputError(path_, 0, frame_no, "atom " + std::to_string(a + 1) + " is '" + xyz_frame_.species[a] +
                                               "' but the data file (" + topo_.source + ") says '" + want +
                                               "': atom order must match the data file");
  }
  Conformation c;
  c.frame = frame_no;
  c.molecule = 1;
  c.x = xyz_frame_.x;
  c.f = xyz_frame_.f;
  if (xyz_frame_.has_energy) c.energy = xyz_frame_.energy;
  if (!units_.empty() && !xyz_frame_.units.empty() && xyz_frame_.units != units_)
    throw InputError(path_, 0, frame_no, "lammps_units=" + xyz_frame_.units + ", but " + units_ + " was expected " +
                                             "(from the reader or this file's earlier frames): one unit style");
  if (!xyz_frame_.units.empty()) units_ = xyz_frame_.units;
  const auto weight = xyz_frame_.info.find("weight");
  if (weight != xyz_frame_.info.end() && (!parse_double(weight->second, c.weight) || c.weight < 0))
    throw InputError(path_, 0, frame_no, "weight= must be a finite number >= 0, got '" + weight->second + "'");
  queue_.push_back(std::move(c));
}

}  // namespace drift
