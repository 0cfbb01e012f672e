#pragma once
// Physically identical atoms of a molecule: the orbits of the bond graph's automorphisms that keep
// every atom's LAMMPS type (same type and same bonded environment: the three H of a methyl group,
// the two H of a CH2). Label-free observables pool over these classes, so a generator that puts
// methyl H6 where MD had H7 is not counted wrong.
#include <vector>

#include "drift/topology.hpp"

namespace drift {

struct EquivalentAtoms {
  std::vector<int> class_of;               // per atom: its class, numbered by the lowest atom index
  std::vector<std::vector<int>> classes;   // atoms of each class, ascending
  bool exact = true;  // false: the automorphism search ran out of budget; classes are colour-refinement classes
  bool equivalent(int i, int j) const { return class_of[i] == class_of[j]; }
};

// Colour refinement from the atom types over the bond graph proposes classes; each proposed pair is
// confirmed by constructing a type- and bond-preserving permutation that maps one atom onto the other.
EquivalentAtoms find_equivalent_atoms(const Topology& topo);

}  // namespace drift
