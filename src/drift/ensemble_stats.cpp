#include "drift/ensemble_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

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
}

void EnsembleStats::add(const Conformation& c) {
  ++count_;
  const int n = topo_.n_atoms;
  float closest = std::numeric_limits<float>::infinity();
  int p = 0;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j, ++p) {
      const double r = distance(c.x, i, j);
      all_pairs_.add(r);
      by_type_[pair_type_of_[p]].add(r);
      if (!pair_bonded_[p]) closest = std::min(closest, static_cast<float>(r));
    }
  min_nonbonded_.push_back(closest);
  for (const auto& b : topo_.bonds) bond_lengths_.push_back(static_cast<float>(distance(c.x, b[0], b[1])));
  for (size_t t = 0; t < torsions_.size(); ++t) {
    const auto angles = pooled_dihedrals(c.x, torsions_[t]);
    torsion_hists_[t].add(angles[0]);
    fine_hists_[t].add(angles[0]);
    const double w = 1.0 / static_cast<double>(angles.size());
    for (double a : angles) {
      pooled_hists_[t].add(a, w);
      fine_pooled_hists_[t].add(a, w);
      angles_[t].push_back(static_cast<float>(a));
    }
  }
  molecules_.push_back(c.molecule);
  if (c.has_energy()) energies_.push_back(c.energy);
}

std::vector<double> EnsembleStats::bond_means() const {
  const size_t nb = topo_.bonds.size();
  std::vector<double> mean(nb, 0.0);
  if (count_ == 0) return mean;
  for (size_t s = 0; s < count_; ++s)
    for (size_t b = 0; b < nb; ++b) mean[b] += bond_lengths_[s * nb + b];
  for (auto& m : mean) m /= static_cast<double>(count_);
  return mean;
}

double EnsembleStats::valid_fraction(const std::vector<double>& ref_means, double tol) const {
  if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
  const size_t nb = topo_.bonds.size();
  size_t valid = 0;
  for (size_t s = 0; s < count_; ++s) {
    bool ok = min_nonbonded_[s] >= settings_.clash_distance;
    for (size_t b = 0; ok && b < nb; ++b) ok = std::fabs(bond_lengths_[s * nb + b] - ref_means[b]) <= tol;
    valid += ok;
  }
  return static_cast<double>(valid) / static_cast<double>(count_);
}

}  // namespace drift
