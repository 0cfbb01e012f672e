#pragma once
// beta times the force field's Hessian at given structures, by central differences of forces:
// H_ab = -(F_b(x + delta e_a) - F_b(x - delta e_a)) / (2 delta), symmetrised. One mechanism for the
// Stein metric (at the data file's structure) and for FI's per-frame preconditioner (at every frame).
#include <functional>
#include <vector>

#include "drift/frames.hpp"

namespace drift {

// structures: each 3N coordinates; `label` fills the forces of the displaced copies (called with up
// to `chunk` structures' 2 * 3N copies at a time). Returns one 3N x 3N row-major matrix per structure.
std::vector<std::vector<double>> beta_hessians(const std::vector<std::vector<double>>& structures, double beta,
                                               const std::function<void(std::vector<Conformation>&)>& label,
                                               double delta = 1e-3, size_t chunk = 64);

}  // namespace drift
