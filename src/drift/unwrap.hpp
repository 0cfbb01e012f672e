#pragma once
// Makes a molecule whole: walks the bond graph from the first atom and puts every bonded
// neighbour at its minimum-image position. Correct whenever each bond is shorter than half
// the box, whatever the image flags say.
#include <vector>

#include "drift/frames.hpp"
#include "drift/topology.hpp"

namespace drift {

void unwrap_molecule(const Topology& topo, const Box& box, std::vector<double>& x);

}  // namespace drift
