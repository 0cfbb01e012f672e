#include "drift/comparison.hpp"

#include "drift/torus_transport.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

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

void mean_and_std(const std::vector<double>& v, const std::vector<double>& w, double& mean, double& std) {
  if (v.size() != w.size())
    throw std::invalid_argument("mean_and_std: need one weight per value, got " + std::to_string(v.size()) +
                                " values and " + std::to_string(w.size()) + " weights");
  double sw = 0, sw2 = 0, s = 0;
  size_t positive = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(w[i]) || w[i] < 0) throw std::invalid_argument("mean_and_std: weights must be finite and >= 0");
    sw += w[i];
    sw2 += w[i] * w[i];
    s += w[i] * v[i];
    positive += w[i] > 0;
  }
  if (!(sw > 0)) {
    mean = std = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  mean = s / sw;
  double ss = 0;
  for (size_t i = 0; i < v.size(); ++i) ss += w[i] * (v[i] - mean) * (v[i] - mean);
  // sum w * n_eff / (n_eff - 1) = sum w - sum w^2 / sum w: n - 1 for unit weights.
  const double denominator = sw - sw2 / sw;
  std = positive > 1 && denominator > 0 ? std::sqrt(ss / denominator) : 0.0;
}

Comparison compare(const EnsembleStats& reference, const EnsembleStats& sample, const std::string& label) {
  if (reference.topology().n_atoms != sample.topology().n_atoms)
    throw std::invalid_argument("compare: ensembles of different molecules");
  if (reference.count() == 0) throw std::invalid_argument("compare: the reference ensemble is empty");
  if (sample.count() == 0) throw std::invalid_argument("compare: the sample ensemble '" + label + "' is empty");
  if (!(reference.effective_sample_size() > 0))
    throw std::invalid_argument("compare: the reference ensemble's weights are all 0");
  if (!(sample.effective_sample_size() > 0))
    throw std::invalid_argument("compare: the sample ensemble '" + label + "' has weights that are all 0");
  Comparison c;
  c.label = label;
  c.n_reference = reference.count();
  c.n_sample = sample.count();
  c.effective_samples = sample.effective_sample_size();
  for (double w : sample.weights()) c.weighted |= w != sample.weights().front();
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
    const auto& tor = reference.torsions()[t];
    TorsionComparison tc;
    tc.label = tor.label;
    tc.pooled_label = tor.pooled_label;
    tc.pooled = static_cast<int>(tor.pooled.size());
    tc.symmetry = tor.symmetry;
    tc.jsd_labelled = jensen_shannon(reference.torsion_histograms()[t], sample.torsion_histograms()[t]);
    tc.jsd_label_free = jensen_shannon(reference.pooled_torsion_histograms()[t], sample.pooled_torsion_histograms()[t]);
    tc.w1_labelled = circular_wasserstein1(reference.fine_torsion_histograms()[t], sample.fine_torsion_histograms()[t]);
    tc.w1_label_free =
        circular_wasserstein1(reference.fine_pooled_torsion_histograms()[t], sample.fine_pooled_torsion_histograms()[t]);
    // Wells from the reference's own density; the labelled angle is the first of each conformation's pooled set.
    auto wells = [&](const Histogram& ref_hist, bool pooled) {
      const auto w = find_wells(ref_hist);
      const int per_ref = pooled ? tc.pooled : 1;
      auto first_only = [&](const std::vector<float>& all) {
        std::vector<float> out;
        for (size_t k = 0; k < all.size(); k += tc.pooled) out.push_back(all[k]);
        return out;
      };
      const auto ref_angles = pooled ? reference.torsion_angles(t) : first_only(reference.torsion_angles(t));
      const auto smp_angles = pooled ? sample.torsion_angles(t) : first_only(sample.torsion_angles(t));
      const auto pr = well_populations(ref_angles, per_ref, reference.molecules(), w, &reference.weights());
      const auto ps = well_populations(smp_angles, per_ref, sample.molecules(), w, &sample.weights());
      std::vector<TorsionComparison::Well> out;
      for (size_t k = 0; k < w.size(); ++k) {
        TorsionComparison::Well well;
        well.name = w.name(k);
        well.lower = w.lower[k];
        well.upper = w.lower[(k + 1) % w.size()];
        well.peak = w.peak[k];
        well.reference = pr[k];
        well.sample = ps[k];
        const double se = std::hypot(pr[k].standard_error, ps[k].standard_error);
        well.z = se > 0 ? (ps[k].value - pr[k].value) / se : (ps[k].value == pr[k].value ? 0.0 : INFINITY);
        out.push_back(well);
      }
      return out;
    };
    tc.wells_labelled = wells(reference.torsion_histograms()[t], false);
    tc.wells_label_free = wells(reference.pooled_torsion_histograms()[t], true);
    c.torsion_jsd.emplace_back(tc.label, tc.jsd_labelled);
    c.torsion_jsd_max = std::max(c.torsion_jsd_max, tc.jsd_labelled);
    c.torsion_jsd_label_free_max = std::max(c.torsion_jsd_label_free_max, tc.jsd_label_free);
    c.torsion_w1_labelled_max = std::max(c.torsion_w1_labelled_max, tc.w1_labelled);
    c.torsion_w1_label_free_max = std::max(c.torsion_w1_label_free_max, tc.w1_label_free);
    // A symmetric rotor's label-free populations are 1/s by symmetry: their z only says how often
    // its s atoms straddle a boundary, so the summary takes the other rotors.
    if (tc.symmetry == 1)
      for (const auto& w : tc.wells_label_free) c.well_z_label_free_max = std::max(c.well_z_label_free_max, std::fabs(w.z));
    c.torsions.push_back(std::move(tc));
  }

  c.n_energy_reference = reference.energies().size();
  c.n_energy_sample = sample.energies().size();
  mean_and_std(reference.energies(), reference.energy_weights(), c.energy_mean_reference, c.energy_std_reference);
  mean_and_std(sample.energies(), sample.energy_weights(), c.energy_mean_sample, c.energy_std_sample);
  for (size_t p = 0; p < reference.ramachandran_pairs().size(); ++p) {
    RamachandranComparison r;
    r.label = reference.ramachandran_pairs()[p].label;
    r.jsd = jensen_shannon(reference.ramachandran_histograms()[p], sample.ramachandran_histograms()[p]);
    r.torus_w2 = torus_wasserstein2(reference.ramachandran_histograms()[p], sample.ramachandran_histograms()[p],
                                    reference.settings().ramachandran_bins);
    c.ramachandran_w2_max = std::max(c.ramachandran_w2_max, r.torus_w2);
    auto basins = [](const std::vector<float>& angles) {
      std::vector<int> b(angles.size() / 2);
      for (size_t k = 0; k < b.size(); ++k) b[k] = ramachandran_basin(angles[2 * k], angles[2 * k + 1]);
      return b;
    };
    const auto pr = category_populations(basins(reference.ramachandran_angles(p)), 1, kRamachandranBasins,
                                         reference.molecules(), &reference.weights());
    const auto ps = category_populations(basins(sample.ramachandran_angles(p)), 1, kRamachandranBasins, sample.molecules(),
                                         &sample.weights());
    for (int b = 0; b < kRamachandranBasins; ++b) {
      RamachandranComparison::Basin basin;
      basin.name = ramachandran_basin_name(b);
      basin.reference = pr[b];
      basin.sample = ps[b];
      const double se = std::hypot(pr[b].standard_error, ps[b].standard_error);
      basin.z = se > 0 ? (ps[b].value - pr[b].value) / se : (ps[b].value == pr[b].value ? 0.0 : INFINITY);
      c.ramachandran_basin_z_max = std::max(c.ramachandran_basin_z_max, std::fabs(basin.z));
      r.basins.push_back(basin);
    }
    c.ramachandran_jsd_max = std::max(c.ramachandran_jsd_max, r.jsd);
    c.ramachandran.push_back(std::move(r));
  }
  c.energy_w1 = wasserstein1(reference.energies(), reference.energy_weights(), sample.energies(), sample.energy_weights());
  c.energy_w2 = wasserstein2(reference.energies(), reference.energy_weights(), sample.energies(), sample.energy_weights());
  return c;
}

}  // namespace drift
