#pragma once
// In-memory forms of trajectory data: a whole LAMMPS frame (many atoms, many molecules)
// and one molecule's conformation (the unit every metric and model works on).
#include <array>
#include <cmath>
#include <limits>
#include <vector>

namespace drift {

struct Box {
  std::array<double, 3> lo{0, 0, 0};
  std::array<double, 3> hi{0, 0, 0};
  std::array<bool, 3> periodic{false, false, false};
  double length(int d) const { return hi[d] - lo[d]; }
};

struct AtomFrame {
  long timestep = 0;
  Box box;
  std::vector<long> ids;
  std::vector<int> types;
  std::vector<long> mols;    // molecule IDs; empty when the file has none
  std::vector<double> x;     // 3 per atom
  std::vector<double> f;     // 3 per atom; empty when the file has no forces
  std::vector<double> pe;    // per-atom potential energy; empty when absent
  std::vector<int> image;    // 3 per atom; empty when absent
  // Importance weight of the atom's conformation ('weight' column, e.g. written by drift-bias reweight:
  // the same value on every atom of a molecule); empty when absent.
  std::vector<double> weight;
  bool unwrapped = false;    // x holds unwrapped coordinates (xu yu zu)
  size_t size() const { return ids.size(); }
  void clear();
};

struct Conformation {
  std::vector<double> x;  // n_atoms * 3, Angstrom (or the file's length unit)
  std::vector<double> f;  // n_atoms * 3 force labels; empty when unknown
  double energy = std::numeric_limits<double>::quiet_NaN();  // molecule potential energy
  long frame = 0;         // 1-based frame in the source file
  long molecule = 0;      // molecule ID (dump) or index within the frame
  // Importance weight (extxyz weight=, e.g. Stein weights written by the fix, or a dump's 'weight'
  // column, e.g. a biased MD reweighted by drift-bias); NaN when none.
  double weight = std::numeric_limits<double>::quiet_NaN();
  bool has_forces() const { return !f.empty(); }
  bool has_energy() const { return !std::isnan(energy); }
  bool has_weight() const { return !std::isnan(weight); }
};

}  // namespace drift
