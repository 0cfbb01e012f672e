#include "drift/backbone.hpp"

namespace drift {

namespace {

std::string atom_name(const Topology& t, int i) { return t.elements[i] + std::to_string(i + 1); }

}  // namespace

std::vector<RamachandranPair> find_ramachandran_pairs(const Topology& topo) {
  const auto adj = topo.neighbours();
  auto is = [&](int i, const char* element) { return topo.elements[i] == element; };
  auto carbonyl = [&](int c) {
    if (!is(c, "C")) return false;
    for (int o : adj[c])
      if (is(o, "O") && adj[o].size() == 1) return true;
    return false;
  };
  auto amide = [&](int n) {
    if (!is(n, "N")) return false;
    for (int c : adj[n])
      if (carbonyl(c)) return true;
    return false;
  };
  std::vector<RamachandranPair> out;
  for (int ca = 0; ca < topo.n_atoms; ++ca) {
    if (!is(ca, "C") || carbonyl(ca)) continue;
    for (int n : adj[ca]) {
      if (!amide(n)) continue;
      for (int c : adj[ca]) {
        if (!carbonyl(c)) continue;
        int previous = -1, next = -1;
        for (int p : adj[n])
          if (p != ca && carbonyl(p)) previous = p;
        for (int q : adj[c])
          if (q != ca && amide(q)) next = q;
        if (previous < 0 || next < 0) continue;
        RamachandranPair r;
        r.alpha_carbon = ca;
        r.phi = {previous, n, ca, c};
        r.psi = {n, ca, c, next};
        auto name = [&](const std::array<int, 4>& d) {
          return atom_name(topo, d[0]) + "-" + atom_name(topo, d[1]) + "-" + atom_name(topo, d[2]) + "-" + atom_name(topo, d[3]);
        };
        r.label = atom_name(topo, ca) + " phi " + name(r.phi) + " / psi " + name(r.psi);
        out.push_back(r);
      }
    }
  }
  return out;
}

const char* ramachandran_basin_name(int basin) {
  static const char* names[kRamachandranBasins] = {"C5 (beta)", "C7eq", "alphaR", "alphaL/C7ax"};
  return basin >= 0 && basin < kRamachandranBasins ? names[basin] : "?";
}

int ramachandran_basin(double phi, double psi) {
  if (phi >= 0) return 3;
  if (psi >= -150 && psi < 50) return 2;
  return phi < -120 ? 0 : 1;
}

}  // namespace drift
