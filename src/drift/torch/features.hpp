#pragma once
// Feature maps of molecular conformations: centring and Kabsch alignment of training frames
// (forces rotated with them), and pairwise distances (differentiable, so a loss on them
// reaches the generator).
#include <torch/torch.h>

#include <array>
#include <vector>

#include "drift/topology.hpp"

namespace drift {

// Centres each frame (x [M, n, 3]) on its centroid and rotates it onto a reference structure
// (the mean of the aligned frames, refined twice from the first frame). Forces [M, n, 3]
// (optional) get the same rotation. Returns the reference [n, 3].
torch::Tensor align_frames(torch::Tensor& x, torch::Tensor* forces);

// Atom pairs of a feature group.
std::vector<std::array<int64_t, 2>> all_pairs(int n_atoms);
// The pairs of a distance group: "all", "bonds" (the data file's bonds) or "angles" (the end
// atoms of every bond angle, 1-3 pairs), as (lower, higher) 0-based atom indices.
std::vector<std::array<int64_t, 2>> group_pairs(const Topology& topo, const std::string& kind);

// Distances of the given pairs: x [B, n, 3] -> [B, pairs].
torch::Tensor pair_distances(const torch::Tensor& x, const torch::Tensor& pair_index /* [pairs, 2] int64 */);

// Torsion features of a set of torsions, each the average over its own dihedrals a-b-c-d (a
// label-free torsion pools the equivalent end atoms): for every torsion t and harmonic
// n = m * symmetry[t] (m = 1..harmonics), mean over its dihedrals of cos(n phi) and sin(n phi).
// Smooth in the coordinates (no atan2; (cos phi + i sin phi)^n from the normalised projections).
struct TorsionFeatures {
  torch::Tensor quads;     // [Q, 4] int64 atom indices a, b, c, d (IUPAC sign, as dihedral_degrees)
  torch::Tensor pool;      // [Q, T] float32: 1/|dihedrals of t| where dihedral q belongs to torsion t
  torch::Tensor symmetry;  // [Q] int64: symmetry number of the torsion of each dihedral
  int harmonics = 1;
  int64_t size() const { return quads.defined() ? 2 * harmonics * pool.size(1) : 0; }
};
torch::Tensor torsion_features(const torch::Tensor& x /* [B, n, 3] */, const TorsionFeatures& t);  // -> [B, size()]

// The torsions of a torsion feature group (mode): "label-free", every rotatable torsion of a molecule
// (drift/torsions.hpp) pooled over its equivalent end atoms; "labelled", its labelled end atoms only;
// "backbone", phi and psi of every peptide residue (drift/backbone.hpp). quads undefined when the
// molecule has none.
TorsionFeatures torsion_feature_map(const Topology& topo, const std::string& mode, int harmonics);

}  // namespace drift
