#pragma once
// Peptide backbone torsions found from the bond graph, not from atom indices or residue names:
// an alpha carbon is a carbon bonded to an amide nitrogen N and a carbonyl carbon C' (a carbon with
// an oxygen that has no other neighbour); its phi is C'(previous)-N-CA-C' and its psi N-CA-C'-N(next),
// where the previous C' is N's other carbonyl neighbour and the next N is C''s amide neighbour. A
// residue with both is a Ramachandran pair (alanine dipeptide: one; a capped tripeptide: two).
//
// Basins of one (phi, psi) pair, the usual partition of the alanine dipeptide map (degrees):
//   C5 (beta)  phi in [-180, -120), psi in [50, 180) or [-180, -150)
//   C7eq       phi in [-120, 0),    psi in [50, 180) or [-180, -150)
//   alphaR     phi in [-180, 0),    psi in [-150, 50)
//   alphaL/C7ax phi in [0, 180)
#include <array>
#include <string>
#include <vector>

#include "drift/topology.hpp"

namespace drift {

struct RamachandranPair {
  std::array<int, 4> phi, psi;  // 0-based atoms
  int alpha_carbon = 0;
  std::string label;            // e.g. "CA9 phi C7-N8-C9-C15 / psi N8-C9-C15-N17" (1-based)
};

std::vector<RamachandranPair> find_ramachandran_pairs(const Topology& topo);

constexpr int kRamachandranBasins = 4;
const char* ramachandran_basin_name(int basin);
int ramachandran_basin(double phi_degrees, double psi_degrees);

}  // namespace drift
