#include "drift/unwrap.hpp"

#include <cmath>

namespace drift {

void unwrap_molecule(const Topology& topo, const Box& box, std::vector<double>& x) {
  if (!box.periodic[0] && !box.periodic[1] && !box.periodic[2]) return;
  const auto nb = topo.neighbours();
  std::vector<char> placed(topo.n_atoms, 0);
  std::vector<int> stack;
  for (int root = 0; root < topo.n_atoms; ++root) {
    if (placed[root]) continue;  // disconnected fragments: each anchored at its first atom
    placed[root] = 1;
    stack.push_back(root);
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      for (int j : nb[i]) {
        if (placed[j]) continue;
        for (int d = 0; d < 3; ++d) {
          if (!box.periodic[d]) continue;
          const double L = box.length(d);
          const double delta = x[3 * j + d] - x[3 * i + d];
          x[3 * j + d] -= L * std::round(delta / L);
        }
        placed[j] = 1;
        stack.push_back(j);
      }
    }
  }
}

}  // namespace drift
