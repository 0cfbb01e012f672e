#include "drift/ensemble_stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "drift/geometry.hpp"

namespace drift {

EnsembleStats::EnsembleStats(const Topology& topo, const MetricSettings& settings)
    : topo_(topo),
      settings_(settings),
      all_pairs_(0.0, settings.r_max, static_cast<int>(std::lround(settings.r_max / settings.dr))),
      pair_types_(topo.pair_labels()),
      torsions_(find_rotatable_torsions(topo)) {
  for (int i = 0; i < topo.n_atoms; ++i)
    for (int j = i + 1; j < topo.n_atoms; ++j) {
      auto it = std::find(pair_types_.begin(), pair_types_.end(), topo.pair_label(i, j));
      pair_type_of_.push_back(static_cast<int>(it - pair_types_.begin()));
      pair_bonded_.push_back(topo.bonded(i, j));
    }
  by_type_.assign(pair_types_.size(), all_pairs_);
  torsion_hists_.assign(torsions_.size(), Histogram(-180.0, 180.0, settings.torsion_bins));
  pooled_hists_ = torsion_hists_;
  fine_hists_.assign(torsions_.size(), Histogram(-180.0, 180.0, settings.torsion_w1_bins));
  fine_pooled_hists_ = fine_hists_;
  angles_.resize(torsions_.size());
  rama_pairs_ = find_ramachandran_pairs(topo);
  const int rb = settings.ramachandran_bins;
  rama_hists_.assign(rama_pairs_.size(), Histogram(0.0, static_cast<double>(rb * rb), rb * rb));
  rama_angles_.resize(rama_pairs_.size());
}

void EnsembleStats::add(const Conformation& c, double weight) {
  if (!std::isfinite(weight) || weight < 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", weight);
    throw std::invalid_argument(std::string("EnsembleStats::add: a conformation's weight must be finite and >= 0, got ") +
                                buf);
  }
  // Histograms count in units of the first positive weight: uniform weights of any size fill them
  // exactly as weights of 1 do (the metrics normalise them, and find_wells breaks ties of equal
  // counts by their rounding, so scaled weights could otherwise move a well boundary).
  if (unit_weight_ == 0 && weight > 0) unit_weight_ = weight;
  const double hw = unit_weight_ > 0 ? weight / unit_weight_ : 0.0;
  if (!std::isfinite(hw))
    throw std::invalid_argument("EnsembleStats::add: the weights span more than the range of a double");
  ++count_;
  weights_.push_back(weight);
  const int n = topo_.n_atoms;
  float closest = std::numeric_limits<float>::infinity();
  int p = 0;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j, ++p) {
      const double r = distance(c.x, i, j);
      all_pairs_.add(r, hw);
      by_type_[pair_type_of_[p]].add(r, hw);
      if (!pair_bonded_[p]) closest = std::min(closest, static_cast<float>(r));
    }
  min_nonbonded_.push_back(closest);
  for (const auto& b : topo_.bonds) bond_lengths_.push_back(static_cast<float>(distance(c.x, b[0], b[1])));
  for (size_t p = 0; p < rama_pairs_.size(); ++p) {
    const auto& r = rama_pairs_[p];
    const double phi = dihedral_degrees(c.x, r.phi[0], r.phi[1], r.phi[2], r.phi[3]);
    const double psi = dihedral_degrees(c.x, r.psi[0], r.psi[1], r.psi[2], r.psi[3]);
    const int rb = settings_.ramachandran_bins;
    auto bin = [&](double a) { return std::min(rb - 1, std::max(0, static_cast<int>(std::floor((a + 180.0) / 360.0 * rb)))); };
    rama_hists_[p].add(bin(phi) * rb + bin(psi) + 0.5, hw);
    rama_angles_[p].push_back(static_cast<float>(phi));
    rama_angles_[p].push_back(static_cast<float>(psi));
  }
  for (size_t t = 0; t < torsions_.size(); ++t) {
    const auto angles = pooled_dihedrals(c.x, torsions_[t]);
    torsion_hists_[t].add(angles[0], hw);
    fine_hists_[t].add(angles[0], hw);
    const double w = hw / static_cast<double>(angles.size());
    for (double a : angles) {
      pooled_hists_[t].add(a, w);
      fine_pooled_hists_[t].add(a, w);
      angles_[t].push_back(static_cast<float>(a));
    }
  }
  molecules_.push_back(c.molecule);
  if (c.has_energy()) {
    energies_.push_back(c.energy);
    energy_weights_.push_back(weight);
  }
}

double EnsembleStats::effective_sample_size() const {
  double s = 0, s2 = 0, top = 0;
  for (double w : weights_) s += w, s2 += w * w, top = std::max(top, w);
  if (!(top > 0)) return 0.0;
  if (std::isfinite(s * s) && s2 > 0 && std::isfinite(s2)) return s * s / s2;
  // Huge (or tiny) weights: the same ratio with every weight scaled by the largest.
  s = s2 = 0;
  for (double w : weights_) s += w / top, s2 += (w / top) * (w / top);
  return s * s / s2;
}

std::vector<double> EnsembleStats::bond_means() const {
  const size_t nb = topo_.bonds.size();
  std::vector<double> mean(nb, 0.0);
  if (count_ == 0) return mean;
  double total = 0;
  for (size_t s = 0; s < count_; ++s) {
    total += weights_[s];
    for (size_t b = 0; b < nb; ++b) mean[b] += weights_[s] * bond_lengths_[s * nb + b];
  }
  for (auto& m : mean) m = total > 0 ? m / total : std::numeric_limits<double>::quiet_NaN();
  return mean;
}

double EnsembleStats::valid_fraction(const std::vector<double>& ref_means, double tol) const {
  if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
  const size_t nb = topo_.bonds.size();
  double valid = 0, total = 0;
  for (size_t s = 0; s < count_; ++s) {
    bool ok = min_nonbonded_[s] >= settings_.clash_distance;
    for (size_t b = 0; ok && b < nb; ++b) ok = std::fabs(bond_lengths_[s * nb + b] - ref_means[b]) <= tol;
    if (ok) valid += weights_[s];
    total += weights_[s];
  }
  return total > 0 ? valid / total : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace drift
