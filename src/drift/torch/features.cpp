#include "drift/torch/features.hpp"

#include <algorithm>
#include <stdexcept>

#include "drift/backbone.hpp"
#include "drift/torsions.hpp"

namespace drift {

namespace {
// Rotations R [M, 3, 3] minimising |x R - ref| per frame (x centred [M, n, 3], ref [n, 3]).
torch::Tensor kabsch(const torch::Tensor& x, const torch::Tensor& ref) {
  const auto h = torch::matmul(x.transpose(1, 2), ref.unsqueeze(0));  // [M, 3, 3]
  auto svd = torch::linalg_svd(h, false);
  const auto& u = std::get<0>(svd);
  const auto& vh = std::get<2>(svd);
  auto d = torch::sign(torch::linalg_det(torch::matmul(u, vh)));       // no reflections
  auto diag = torch::ones({x.size(0), 3}, x.options());
  diag.select(1, 2).copy_(d);
  return torch::matmul(u * diag.unsqueeze(1), vh);
}
}  // namespace

torch::Tensor align_frames(torch::Tensor& x, torch::Tensor* forces) {
  torch::NoGradGuard no_grad;
  x = x - x.mean(1, true);
  auto ref = x[0].clone();
  for (int iter = 0; iter < 3; ++iter) {
    const auto r = kabsch(x, ref);
    auto aligned = torch::matmul(x, r);
    ref = aligned.mean(0);
    ref = ref - ref.mean(0, true);
    if (iter == 2) {
      x = aligned;
      if (forces && forces->defined()) *forces = torch::matmul(*forces, r);
    }
  }
  return ref;
}

std::vector<std::array<int64_t, 2>> all_pairs(int n_atoms) {
  std::vector<std::array<int64_t, 2>> p;
  for (int i = 0; i < n_atoms; ++i)
    for (int j = i + 1; j < n_atoms; ++j) p.push_back({i, j});
  return p;
}

std::vector<std::array<int64_t, 2>> group_pairs(const Topology& topo, const std::string& kind) {
  const int n = topo.n_atoms;
  if (kind == "all") return all_pairs(n);
  std::vector<std::array<int64_t, 2>> pairs;
  if (kind == "bonds") {
    for (const auto& b : topo.bonds) pairs.push_back({std::min<int64_t>(b[0], b[1]), std::max<int64_t>(b[0], b[1])});
  } else if (kind == "angles") {
    const auto nb = topo.neighbours();
    for (int c = 0; c < n; ++c)
      for (size_t i = 0; i < nb[c].size(); ++i)
        for (size_t j = i + 1; j < nb[c].size(); ++j)
          pairs.push_back({std::min<int64_t>(nb[c][i], nb[c][j]), std::max<int64_t>(nb[c][i], nb[c][j])});
  } else {
    throw std::invalid_argument("group_pairs: unknown kind '" + kind + "' (all, bonds or angles)");
  }
  return pairs;
}

torch::Tensor pair_distances(const torch::Tensor& x, const torch::Tensor& pair_index) {
  const auto a = x.index_select(1, pair_index.select(1, 0));
  const auto b = x.index_select(1, pair_index.select(1, 1));
  return torch::sqrt(((a - b) * (a - b)).sum(2) + 1e-12);
}

}  // namespace drift

namespace drift {

torch::Tensor torsion_features(const torch::Tensor& x, const TorsionFeatures& t) {
  const auto at = [&](int k) { return x.index_select(1, t.quads.select(1, k)); };  // [B, Q, 3]
  const auto xa = at(0), xb = at(1), xc = at(2), xd = at(3);
  const auto b1 = xb - xa, b2 = xc - xb, b3 = xd - xc;
  const auto n1 = torch::cross(b1, b2, 2), n2 = torch::cross(b2, b3, 2);
  const auto b2_unit = b2 / torch::sqrt((b2 * b2).sum(2, true) + 1e-12);
  const auto m1 = torch::cross(b2_unit, n1, 2);
  // phi = atan2(y, x) with x = n1.n2, y = m1.n2 (the IUPAC sign of dihedral_degrees).
  const auto px = (n1 * n2).sum(2), py = (m1 * n2).sum(2);
  const auto r = torch::sqrt(px * px + py * py + 1e-12);
  const auto c1 = px / r, s1 = py / r;  // [B, Q]
  // (c1 + i s1)^s for each dihedral's symmetry number s, then powers m = 1..harmonics of that.
  const int64_t smax = t.symmetry.max().item<int64_t>();
  auto cs = c1, sn = s1;
  std::vector<torch::Tensor> cos_n{c1}, sin_n{s1};  // cos(k phi), sin(k phi) for k = 1..smax*harmonics
  for (int64_t k = 2; k <= smax * t.harmonics; ++k) {
    const auto c = cs * c1 - sn * s1, s = sn * c1 + cs * s1;
    cs = c, sn = s;
    cos_n.push_back(c);
    sin_n.push_back(s);
  }
  const auto all_cos = torch::stack(cos_n, 2), all_sin = torch::stack(sin_n, 2);  // [B, Q, K]
  std::vector<torch::Tensor> out;
  for (int m = 1; m <= t.harmonics; ++m) {
    const auto k = (t.symmetry * m - 1).unsqueeze(0).unsqueeze(2).expand({x.size(0), -1, 1});  // [B, Q, 1]
    const auto c = all_cos.gather(2, k).squeeze(2), s = all_sin.gather(2, k).squeeze(2);      // [B, Q]
    out.push_back(torch::matmul(c, t.pool.to(c.dtype())));
    out.push_back(torch::matmul(s, t.pool.to(s.dtype())));
  }
  return torch::cat(out, 1);
}

}  // namespace drift

namespace drift {

TorsionFeatures torsion_feature_map(const Topology& topo, const std::string& mode, int harmonics) {
  TorsionFeatures f;
  f.harmonics = harmonics;
  if (mode == "backbone") {
    const auto pairs = find_ramachandran_pairs(topo);
    if (pairs.empty()) return f;
    const auto q = static_cast<int64_t>(2 * pairs.size());
    f.quads = torch::empty({q, 4}, torch::kInt64);
    f.pool = torch::eye(q, torch::kFloat32);
    f.symmetry = torch::ones({q}, torch::kInt64);
    for (size_t p = 0; p < pairs.size(); ++p)
      for (int j = 0; j < 4; ++j) {
        f.quads[2 * p][j] = pairs[p].phi[j];
        f.quads[2 * p + 1][j] = pairs[p].psi[j];
      }
    return f;
  }
  if (mode != "label-free" && mode != "labelled")
    throw std::invalid_argument("torsion_feature_map: unknown mode '" + mode + "' (label-free, labelled or backbone)");
  const bool label_free = mode == "label-free";
  const auto torsions = find_rotatable_torsions(topo);
  if (torsions.empty()) return f;
  std::vector<std::array<int64_t, 4>> quads;
  std::vector<int64_t> owner, symmetry;
  for (size_t t = 0; t < torsions.size(); ++t) {
    const auto& tor = torsions[t];
    const size_t count = label_free ? tor.pooled.size() : 1;
    for (size_t k = 0; k < count; ++k) {
      quads.push_back({tor.pooled[k][0], tor.b, tor.c, tor.pooled[k][1]});
      owner.push_back(static_cast<int64_t>(t));
      symmetry.push_back(label_free ? tor.symmetry : 1);
    }
  }
  const auto q = static_cast<int64_t>(quads.size());
  f.quads = torch::empty({q, 4}, torch::kInt64);
  f.pool = torch::zeros({q, static_cast<int64_t>(torsions.size())}, torch::kFloat32);
  f.symmetry = torch::tensor(symmetry, torch::kInt64);
  for (int64_t k = 0; k < q; ++k) {
    for (int j = 0; j < 4; ++j) f.quads[k][j] = quads[k][j];
    const size_t count = label_free ? torsions[owner[k]].pooled.size() : 1;
    f.pool[k][owner[k]] = 1.0f / static_cast<float>(count);
  }
  return f;
}

}  // namespace drift
