#pragma once
// Rotatable torsions found from the bond graph: one per non-terminal, non-ring bond b-c,
// defined by the heaviest other neighbour of b and of c (lowest index on ties).
#include <string>
#include <vector>

#include "drift/topology.hpp"

namespace drift {

struct Torsion {
  int a, b, c, d;     // 0-based atom indices
  std::string label;  // e.g. "C2-C1-O3-H9" (element + 1-based index)
};

std::vector<Torsion> find_rotatable_torsions(const Topology& topo);

}  // namespace drift
