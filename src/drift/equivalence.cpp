#include "drift/equivalence.hpp"

#include <algorithm>
#include <map>
#include <numeric>

namespace drift {

namespace {

// 1-dimensional Weisfeiler-Leman refinement: an atom's colour is its type, then repeatedly the pair
// (colour, sorted colours of its neighbours), until the partition stops splitting.
std::vector<int> refine_colours(const std::vector<int>& initial, const std::vector<std::vector<int>>& nb) {
  std::vector<int> colour = initial;
  size_t classes = 0;
  while (true) {
    std::map<std::pair<int, std::vector<int>>, int> signature;
    std::vector<int> next(colour.size());
    for (size_t i = 0; i < colour.size(); ++i) {
      std::vector<int> around;
      for (int j : nb[i]) around.push_back(colour[j]);
      std::sort(around.begin(), around.end());
      auto key = std::make_pair(colour[i], around);
      auto it = signature.find(key);
      if (it == signature.end()) it = signature.emplace(key, static_cast<int>(signature.size())).first;
      next[i] = it->second;
    }
    colour.swap(next);
    if (signature.size() == classes) return colour;
    classes = signature.size();
  }
}

struct Search {
  const std::vector<std::vector<int>>& nb;
  const std::vector<int>& colour;
  const std::vector<char>& adjacent;  // n x n
  std::vector<int> order;  // atoms in the order they are mapped (breadth first from the source atom)
  std::vector<int> image, preimage;
  long budget;

  bool consistent(int v, int u) const {
    if (colour[v] != colour[u] || nb[v].size() != nb[u].size()) return false;
    const size_t n = image.size();
    for (size_t w = 0; w < n; ++w)
      if (image[w] >= 0 && adjacent[v * n + w] != adjacent[u * n + image[w]]) return false;
    return true;
  }
  // Extends the partial map to the atoms order[k..]; false when impossible (or out of budget).
  bool extend(size_t k) {
    if (k == order.size()) return true;
    if (--budget < 0) return false;
    const int v = order[k];
    if (image[v] >= 0) return extend(k + 1);
    for (int u = 0; u < static_cast<int>(preimage.size()); ++u) {
      if (preimage[u] >= 0 || !consistent(v, u)) continue;
      image[v] = u;
      preimage[u] = v;
      if (extend(k + 1)) return true;
      image[v] = preimage[u] = -1;
    }
    return false;
  }
};

std::vector<int> breadth_first(const std::vector<std::vector<int>>& nb, int start) {
  const int n = static_cast<int>(nb.size());
  std::vector<int> order{start};
  std::vector<char> seen(n, 0);
  seen[start] = 1;
  for (size_t k = 0; k < order.size(); ++k)
    for (int j : nb[order[k]])
      if (!seen[j]) {
        seen[j] = 1;
        order.push_back(j);
      }
  for (int i = 0; i < n; ++i)
    if (!seen[i]) order.push_back(i);  // other fragments (a data file with several pieces)
  return order;
}

}  // namespace

EquivalentAtoms find_equivalent_atoms(const Topology& topo) {
  const int n = topo.n_atoms;
  const auto nb = topo.neighbours();
  const auto colour = refine_colours(topo.types, nb);
  std::vector<char> adjacent(static_cast<size_t>(n) * n, 0);
  for (const auto& b : topo.bonds) adjacent[b[0] * n + b[1]] = adjacent[b[1] * n + b[0]] = 1;
  // Union-find over confirmed pairs.
  std::vector<int> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto root = [&](int i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  EquivalentAtoms out;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      if (colour[i] != colour[j] || root(i) == root(j)) continue;
      Search s{nb, colour, adjacent, breadth_first(nb, i), std::vector<int>(n, -1), std::vector<int>(n, -1), 200000};
      s.image[i] = j;
      s.preimage[j] = i;
      if (s.extend(0)) {
        // Every atom lies in the orbit of its image under the automorphism found.
        for (int v = 0; v < n; ++v) parent[root(v)] = root(s.image[v]);
      } else if (s.budget < 0) {
        out.exact = false;
        parent[root(j)] = root(i);  // undecided: keep the refinement's verdict
      }
    }
  out.class_of.assign(n, -1);
  std::map<int, int> number;
  for (int i = 0; i < n; ++i) {
    auto it = number.find(root(i));
    if (it == number.end()) {
      it = number.emplace(root(i), static_cast<int>(out.classes.size())).first;
      out.classes.emplace_back();
    }
    out.class_of[i] = it->second;
    out.classes[it->second].push_back(i);
  }
  return out;
}

}  // namespace drift
