#include "drift/torsions.hpp"

#include <numeric>

#include "drift/geometry.hpp"

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
  return find_rotatable_torsions(topo, find_equivalent_atoms(topo));
}

std::vector<Torsion> find_rotatable_torsions(const Topology& topo, const EquivalentAtoms& eq) {
  const auto nb = topo.neighbours();
  auto heaviest_other = [&](int centre, int exclude) {
    int best = -1;
    for (int j : nb[centre]) {
      if (j == exclude) continue;
      if (best < 0 || topo.masses[j] > topo.masses[best] + 1e-9) best = j;
    }
    return best;
  };
  // The neighbours of centre (other than exclude) equivalent to end.
  auto equivalent_ends = [&](int centre, int exclude, int end) {
    std::vector<int> out;
    for (int j : nb[centre])
      if (j != exclude && eq.equivalent(j, end)) out.push_back(j);
    return out;
  };
  auto side_symmetry = [&](int centre, const std::vector<int>& ends) {
    const bool all_others = ends.size() + 1 == nb[centre].size();
    return all_others && ends.size() >= 2 ? static_cast<int>(ends.size()) : 1;
  };
  auto name = [&](int i) { return topo.elements[i] + std::to_string(i + 1); };
  auto pooled_name = [&](const std::vector<int>& ends) {
    if (ends.size() == 1) return name(ends[0]);
    std::string s = topo.elements[ends[0]] + "[";
    for (size_t k = 0; k < ends.size(); ++k) s += (k ? "," : "") + std::to_string(ends[k] + 1);
    return s + "]";
  };
  std::vector<Torsion> out;
  for (const auto& bond : topo.bonds) {
    const int b = bond[0], c = bond[1];
    if (nb[b].size() < 2 || nb[c].size() < 2) continue;
    if (!is_bridge(nb, b, c)) continue;
    Torsion t;
    t.a = heaviest_other(b, c);
    t.b = b;
    t.c = c;
    t.d = heaviest_other(c, b);
    t.label = name(t.a) + "-" + name(b) + "-" + name(c) + "-" + name(t.d);
    const auto ends_a = equivalent_ends(b, c, t.a), ends_d = equivalent_ends(c, b, t.d);
    t.pooled.push_back({t.a, t.d});
    for (int a : ends_a)
      for (int d : ends_d)
        if (a != t.a || d != t.d) t.pooled.push_back({a, d});
    t.pooled_label = pooled_name(ends_a) + "-" + name(b) + "-" + name(c) + "-" + pooled_name(ends_d);
    t.symmetry = std::lcm(side_symmetry(b, ends_a), side_symmetry(c, ends_d));
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<double> pooled_dihedrals(const std::vector<double>& x, const Torsion& t) {
  std::vector<double> out;
  out.reserve(t.pooled.size());
  for (const auto& [a, d] : t.pooled) out.push_back(dihedral_degrees(x, a, t.b, t.c, d));
  return out;
}

}  // namespace drift
