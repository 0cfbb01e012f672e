#pragma once
// The metrics of one sample ensemble against a reference ensemble of the same molecule.
#include <string>
#include <utility>
#include <vector>

#include "drift/ensemble_stats.hpp"
#include "drift/stein.hpp"
#include "drift/torsion_wells.hpp"

namespace drift {

// One rotatable torsion, labelled (the atoms named in `label`) and label-free (pooled over the
// equivalent end atoms of `pooled_label`): JSD of the histograms, circular Wasserstein-1 (degrees),
// and the populations of the reference's wells with standard errors.
struct TorsionComparison {
  struct Well {
    std::string name;
    double lower = 0, upper = 0, peak = 0;  // degrees
    Population reference, sample;
    double z = 0;  // (sample - reference) / sqrt(se_sample^2 + se_reference^2)
  };
  std::string label, pooled_label;
  int pooled = 1, symmetry = 1;
  double jsd_labelled = 0, jsd_label_free = 0;
  double w1_labelled = 0, w1_label_free = 0;  // degrees
  std::vector<Well> wells_labelled, wells_label_free;
};

struct Comparison {
  std::string label;
  size_t n_reference = 0, n_sample = 0;
  double hr_tvd = 0;                                        // all intramolecular pairs
  std::vector<std::pair<std::string, double>> pair_type_tvd;
  double pair_type_tvd_mean = 0;
  double bond_mae = 0;                                      // mean_b |<r_b>_sample - <r_b>_ref|
  std::vector<std::pair<double, double>> validity;          // (tolerance, fraction valid)
  std::vector<std::pair<std::string, double>> torsion_jsd;  // labelled
  double torsion_jsd_max = 0;                               // labelled
  std::vector<TorsionComparison> torsions;
  double torsion_jsd_label_free_max = 0, torsion_w1_label_free_max = 0, torsion_w1_labelled_max = 0;
  double well_z_label_free_max = 0;  // largest |z| over the label-free wells of every rotor of symmetry 1
  size_t n_energy_reference = 0, n_energy_sample = 0;
  double energy_mean_reference, energy_mean_sample;         // NaN when no energies
  double energy_std_reference, energy_std_sample;
  double energy_w1;                                         // NaN when no energies
  SteinDiscrepancy stein;                                   // reference-free; count 0 when not computed
};

Comparison compare(const EnsembleStats& reference, const EnsembleStats& sample, const std::string& label);

void mean_and_std(const std::vector<double>& v, double& mean, double& std);

}  // namespace drift
