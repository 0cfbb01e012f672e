#pragma once
// A known bias along one torsion of a molecule, for MD that must cross a slow barrier (e.g. alanine
// dipeptide's phi): the biased run samples p(x) exp(-beta V(phi)), and weights w = exp(+beta V(phi))
// turn its frames back into the unbiased ensemble exactly (docs/method.md, "A reference for a rare
// basin"). V(phi) = sum_k K_k [1 + cos(n_k phi - delta_k)], phi the IUPAC dihedral of four atoms of
// the molecule; K in the energy unit of the data file's force field.
//
// One description serves both sides: drift-bias restrain writes it as the header line of the LAMMPS
// file that applies the bias (fix restrain on every copy), and drift-bias reweight reads it back from
// that file, so the weights remove exactly the bias the MD ran with.
#include <array>
#include <string>
#include <vector>

#include "drift/topology.hpp"

namespace drift {

struct TorsionBiasTerm {
  double k = 0;            // energy
  int n = 1;               // multiplicity, >= 1
  double delta = 0;        // phase, degrees
};

struct TorsionBias {
  std::array<int, 4> atoms{};  // 0-based atoms of the molecule, a-b-c-d
  std::vector<TorsionBiasTerm> terms;

  double energy_at(double phi_degrees) const;
  // V of a conformation (flat xyz of the molecule's atoms).
  double energy(const std::vector<double>& x) const;
};

// The torsion named on the command line: "phi" or "psi" of the molecule's single backbone residue
// (drift/backbone.hpp; an error when it has none or several), or four 1-based atom IDs "a,b,c,d" that
// must form a bonded chain a-b-c-d.
std::array<int, 4> parse_bias_torsion(const Topology& topo, const std::string& spec);
// One term "K:n:delta" (energy, multiplicity >= 1, degrees), e.g. "1.5:1:-120".
TorsionBiasTerm parse_bias_term(const std::string& spec);

// The header line "# drift-bias torsion A B C D term K n DELTA [term K n DELTA ...]" (1-based atoms)
// and its reader. read_torsion_bias takes the first such line of a file and checks its atoms against
// the molecule; an InputError names the file and line when there is none or it is malformed.
std::string torsion_bias_header(const TorsionBias& bias);
TorsionBias read_torsion_bias(const std::string& path, const Topology& topo);

// LAMMPS input that applies the bias to `copies` replicated copies of the molecule (atom IDs
// a + k * n_atoms for copy k, as `replicate` numbers them) with one fix restrain, then checks it:
// every copy starts from the data file's structure, so after `run 0` the fix's energy must be
// copies * V(data structure); if LAMMPS's fix restrain uses another convention the run stops there
// with an error instead of sampling a bias the weights do not remove. Starts with the header line.
std::string lammps_torsion_restraint(const TorsionBias& bias, const Topology& topo, long copies,
                                     const std::string& fix_id = "drift_bias");

}  // namespace drift
