#pragma once
// Feature maps of molecular conformations: centring and Kabsch alignment of training frames
// (forces rotated with them), and pairwise distances (differentiable, so a loss on them
// reaches the generator).
#include <torch/torch.h>

#include <array>
#include <vector>

namespace drift {

// Centres each frame (x [M, n, 3]) on its centroid and rotates it onto a reference structure
// (the mean of the aligned frames, refined twice from the first frame). Forces [M, n, 3]
// (optional) get the same rotation. Returns the reference [n, 3].
torch::Tensor align_frames(torch::Tensor& x, torch::Tensor* forces);

// Atom pairs of a feature group.
std::vector<std::array<int64_t, 2>> all_pairs(int n_atoms);

// Distances of the given pairs: x [B, n, 3] -> [B, pairs].
torch::Tensor pair_distances(const torch::Tensor& x, const torch::Tensor& pair_index /* [pairs, 2] int64 */);

}  // namespace drift
