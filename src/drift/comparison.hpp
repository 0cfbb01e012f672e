#pragma once
// The metrics of one sample ensemble against a reference ensemble of the same molecule.
#include <string>
#include <utility>
#include <vector>

#include "drift/ensemble_stats.hpp"
#include "drift/stein.hpp"

namespace drift {

struct Comparison {
  std::string label;
  size_t n_reference = 0, n_sample = 0;
  double hr_tvd = 0;                                        // all intramolecular pairs
  std::vector<std::pair<std::string, double>> pair_type_tvd;
  double pair_type_tvd_mean = 0;
  double bond_mae = 0;                                      // mean_b |<r_b>_sample - <r_b>_ref|
  std::vector<std::pair<double, double>> validity;          // (tolerance, fraction valid)
  std::vector<std::pair<std::string, double>> torsion_jsd;
  double torsion_jsd_max = 0;
  size_t n_energy_reference = 0, n_energy_sample = 0;
  double energy_mean_reference, energy_mean_sample;         // NaN when no energies
  double energy_std_reference, energy_std_sample;
  double energy_w1;                                         // NaN when no energies
  SteinDiscrepancy stein;                                   // reference-free; count 0 when not computed
};

Comparison compare(const EnsembleStats& reference, const EnsembleStats& sample, const std::string& label);

void mean_and_std(const std::vector<double>& v, double& mean, double& std);

}  // namespace drift
