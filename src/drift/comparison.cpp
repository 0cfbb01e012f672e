#include "drift/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace drift {

void mean_and_std(const std::vector<double>& v, double& mean, double& std) {
  if (v.empty()) {
    mean = std = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  double s = 0, ss = 0;
  for (double x : v) s += x;
  mean = s / v.size();
  for (double x : v) ss += (x - mean) * (x - mean);
  std = v.size() > 1 ? std::sqrt(ss / (v.size() - 1)) : 0.0;
}

Comparison compare(const EnsembleStats& reference, const EnsembleStats& sample, const std::string& label) {
  if (reference.topology().n_atoms != sample.topology().n_atoms)
    throw std::invalid_argument("compare: ensembles of different molecules");
  if (reference.count() == 0) throw std::invalid_argument("compare: the reference ensemble is empty");
  if (sample.count() == 0) throw std::invalid_argument("compare: the sample ensemble '" + label + "' is empty");
  Comparison c;
  c.label = label;
  c.n_reference = reference.count();
  c.n_sample = sample.count();
  c.hr_tvd = total_variation(reference.all_pairs(), sample.all_pairs());
  double sum = 0;
  for (size_t t = 0; t < reference.pair_types().size(); ++t) {
    const double v = total_variation(reference.pair_type_histograms()[t], sample.pair_type_histograms()[t]);
    c.pair_type_tvd.emplace_back(reference.pair_types()[t], v);
    sum += v;
  }
  c.pair_type_tvd_mean = c.pair_type_tvd.empty() ? 0.0 : sum / c.pair_type_tvd.size();

  const auto ref_means = reference.bond_means(), sample_means = sample.bond_means();
  double mae = 0;
  for (size_t b = 0; b < ref_means.size(); ++b) mae += std::fabs(sample_means[b] - ref_means[b]);
  c.bond_mae = ref_means.empty() ? 0.0 : mae / ref_means.size();
  for (double tol : sample.settings().validity_tolerances) c.validity.emplace_back(tol, sample.valid_fraction(ref_means, tol));

  for (size_t t = 0; t < reference.torsions().size(); ++t) {
    const double v = jensen_shannon(reference.torsion_histograms()[t], sample.torsion_histograms()[t]);
    c.torsion_jsd.emplace_back(reference.torsions()[t].label, v);
    c.torsion_jsd_max = std::max(c.torsion_jsd_max, v);
  }

  c.n_energy_reference = reference.energies().size();
  c.n_energy_sample = sample.energies().size();
  mean_and_std(reference.energies(), c.energy_mean_reference, c.energy_std_reference);
  mean_and_std(sample.energies(), c.energy_mean_sample, c.energy_std_sample);
  c.energy_w1 = wasserstein1(reference.energies(), sample.energies());
  return c;
}

}  // namespace drift
