#pragma once
// Rotatable torsions found from the bond graph: one per non-terminal, non-ring bond b-c,
// defined by the heaviest other neighbour of b and of c (lowest index on ties): the labelled
// torsion. Its label-free form pools the dihedrals a'-b-c-d' over every a' equivalent to a
// (among b's neighbours) and every d' equivalent to d (among c's): for a methyl rotor, all three H.
#include <array>
#include <string>
#include <vector>

#include "drift/equivalence.hpp"
#include "drift/topology.hpp"

namespace drift {

struct Torsion {
  int a, b, c, d;     // 0-based atom indices of the labelled torsion
  std::string label;  // e.g. "C2-C1-O3-H9" (element + 1-based index)
  // End pairs (a', d') of the label-free torsion; the labelled (a, d) first.
  std::vector<std::array<int, 2>> pooled;
  std::string pooled_label;  // e.g. "O3-C1-C2-H[6,7,8]"; equals label when nothing is pooled
  // Rotor symmetry number s: the pooled end atoms on one side are all of that centre's other
  // neighbours and equivalent (CH3: 3), so phi and phi + 360/s are one state up to relabelling;
  // lcm over both sides. Label-free harmonics are multiples of s.
  int symmetry = 1;
};

std::vector<Torsion> find_rotatable_torsions(const Topology& topo, const EquivalentAtoms& equivalent);
std::vector<Torsion> find_rotatable_torsions(const Topology& topo);

// Dihedral angles (degrees, [-180, 180)) of every pooled end pair of t, in the order of t.pooled.
std::vector<double> pooled_dihedrals(const std::vector<double>& x, const Torsion& t);

}  // namespace drift
