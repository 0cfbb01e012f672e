#pragma once
// Writes conformations as extended XYZ (one molecule per frame) or as a LAMMPS dump (the
// conformations of one source frame together, one molecule ID each).
#include <ostream>
#include <string>
#include <vector>

#include "drift/frames.hpp"
#include "drift/topology.hpp"

namespace drift {

// units: the LAMMPS unit style of the conformation's energy and forces (lammps_units=; see extxyz.hpp).
void write_conformation_extxyz(std::ostream& out, const Topology& topo, const Conformation& c, const std::string& units);

// A dump frame of the given conformations in a non-periodic box around them. The molecule
// energy, when known, is spread evenly over the atoms' c_pe column so that it sums back.
void write_conformations_dump(std::ostream& out, const Topology& topo, const std::vector<Conformation>& confs,
                              long timestep);

}  // namespace drift
