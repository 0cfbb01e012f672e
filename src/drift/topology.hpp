#pragma once
// The molecule a model or an ensemble is about, read from a LAMMPS data file: atom types in
// order, masses, elements and the bond graph. Nothing here is specific to one molecule.
#include <array>
#include <string>
#include <vector>

namespace drift {

struct Topology {
  std::string source;                     // the data file it came from
  int n_atoms = 0;
  int n_types = 0;
  std::vector<int> types;                 // LAMMPS type of each atom, 1-based, molecule order
  std::vector<double> masses;             // per atom
  std::vector<std::string> elements;      // per atom, inferred from the mass
  std::vector<std::array<int, 2>> bonds;  // 0-based atom indices, i < j
  std::vector<double> template_positions; // n_atoms * 3, as in the data file (unwrapped)

  bool bonded(int i, int j) const;
  std::vector<std::vector<int>> neighbours() const;
  // Element pair label of atoms i and j, e.g. "C-H" (elements in alphabetical order).
  std::string pair_label(int i, int j) const;
  // All distinct pair labels in first-seen order over i < j.
  std::vector<std::string> pair_labels() const;
};

// Reads the first molecule (the molecule ID of the lowest atom ID) of a LAMMPS data file.
// Supports atom styles full, molecular, bond, angle (and atomic with one molecule).
Topology read_lammps_data(const std::string& path);

// Chemical symbol for a mass in g/mol, or "X<type>" when no element is within 0.1 g/mol.
std::string element_from_mass(double mass, int type);

}  // namespace drift
