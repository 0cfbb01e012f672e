#include "drift/torsions.hpp"

#include <functional>

namespace drift {

namespace {
// True when removing bond b-c disconnects b from c (the bond is not in a ring).
bool is_bridge(const std::vector<std::vector<int>>& nb, int b, int c) {
  std::vector<char> seen(nb.size(), 0);
  std::vector<int> stack{b};
  seen[b] = 1;
  while (!stack.empty()) {
    int i = stack.back();
    stack.pop_back();
    for (int j : nb[i]) {
      if ((i == b && j == c) || (i == c && j == b)) continue;
      if (j == c) return false;
      if (!seen[j]) {
        seen[j] = 1;
        stack.push_back(j);
      }
    }
  }
  return true;
}
}  // namespace

std::vector<Torsion> find_rotatable_torsions(const Topology& topo) {
  const auto nb = topo.neighbours();
  auto heaviest_other = [&](int centre, int exclude) {
    int best = -1;
    for (int j : nb[centre]) {
      if (j == exclude) continue;
      if (best < 0 || topo.masses[j] > topo.masses[best] + 1e-9) best = j;
    }
    return best;
  };
  std::vector<Torsion> out;
  for (const auto& bond : topo.bonds) {
    const int b = bond[0], c = bond[1];
    if (nb[b].size() < 2 || nb[c].size() < 2) continue;
    if (!is_bridge(nb, b, c)) continue;
    const int a = heaviest_other(b, c), d = heaviest_other(c, b);
    auto name = [&](int i) { return topo.elements[i] + std::to_string(i + 1); };
    out.push_back({a, b, c, d, name(a) + "-" + name(b) + "-" + name(c) + "-" + name(d)});
  }
  return out;
}

}  // namespace drift
