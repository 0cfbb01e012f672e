#pragma once
// The metrics of one sample ensemble against a reference ensemble of the same molecule.
#include <cmath>
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

// Weighted ensembles (importance weights per conformation) enter every metric with their weights.
// One backbone (phi, psi) pair: JSD of the torus histograms and the basin populations
// (docs/metrics.md, src/drift/backbone.hpp) with standard errors and z of each difference.
struct RamachandranComparison {
  struct Basin {
    std::string name;
    Population reference, sample;
    double z = 0;
  };
  std::string label;
  double jsd = 0;       // nats
  double torus_w2 = 0;  // radians (torus_transport.hpp)
  std::vector<Basin> basins;
};

// How a weighted sample ensemble got its weights (drift-compare --stein-weights or --weights).
struct WeightingSummary {
  std::string method;          // empty: the ensemble is not weighted by drift-compare
  std::string origin;          // e.g. "Stein moment weights" or "weights from FILE"
  size_t count = 0;            // conformations weighted
  size_t identities = 0;       // Stein identities (moments), 0 otherwise
  double worst_z_before = NAN, worst_z_after = NAN;  // largest |standardised moment| x sqrt(n)
  std::string worst_identity;
  double bandwidth = NAN;      // kernel
  double gap = NAN;            // certified bound on the QP's f(w) - f*
  long steps = 0;
  bool converged = true;
  double seconds = 0;
};

struct Comparison {
  std::string label;
  size_t n_reference = 0, n_sample = 0;  // conformations, whatever their weights
  double effective_samples = 0;          // the sample's effective sample size (sum w)^2 / sum w^2
  bool weighted = false;                 // whether the sample's weights differ from one another
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
  double energy_mean_reference, energy_mean_sample;         // weighted; NaN when no energies
  double energy_std_reference, energy_std_sample;           // weighted, see mean_and_std
  double energy_w1;                                         // NaN when no energies
  double energy_w2;                                         // exact 1-D W2, energy units; NaN when no energies
  std::vector<RamachandranComparison> ramachandran;         // empty for a molecule without a peptide backbone
  double ramachandran_jsd_max = 0, ramachandran_basin_z_max = 0, ramachandran_w2_max = 0;
  SteinDiscrepancy stein;                                   // reference-free; count 0 when not computed
  WeightingSummary weighting;
};

Comparison compare(const EnsembleStats& reference, const EnsembleStats& sample, const std::string& label);

// Mean and sample standard deviation (n - 1 denominator); NaN when v is empty, std 0 for one value.
void mean_and_std(const std::vector<double>& v, double& mean, double& std);
// Weighted: mean = sum w v / sum w, std^2 = sum w (v - mean)^2 / sum w * n_eff / (n_eff - 1) with
// n_eff = (sum w)^2 / sum w^2, i.e. the n - 1 denominator above for uniform weights. NaN when v is empty
// or the weights sum to 0, std 0 when fewer than two weights are positive. w: one per value, finite, >= 0.
void mean_and_std(const std::vector<double>& v, const std::vector<double>& w, double& mean, double& std);

}  // namespace drift
