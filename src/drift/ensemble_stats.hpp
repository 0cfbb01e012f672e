#pragma once
// One pass over an ensemble of conformations collects everything the comparison metrics
// need: pair-distance histograms (all pairs and per element-pair type), bond lengths,
// torsion histograms (labelled and pooled over equivalent atoms), the torsion angles themselves
// (for well populations), the closest non-bonded contact and energies.
//
// Each conformation carries a non-negative importance weight (1 unless given): every histogram,
// mean and fraction is weighted, so that adding a conformation with weight k is the same as adding
// it k times. Histograms count in units of the first positive weight (total() is the number of
// conformations for uniform weights of any size); the metrics use them normalised.
#include <string>
#include <vector>

#include "drift/backbone.hpp"
#include "drift/frames.hpp"
#include "drift/histogram.hpp"
#include "drift/topology.hpp"
#include "drift/torsions.hpp"

namespace drift {

struct MetricSettings {
  double r_max = 6.0;            // h(r) range [0, r_max) in Angstrom, plus an overflow bin
  double dr = 0.02;              // h(r) bin width
  int torsion_bins = 36;         // 10 degree bins over [-180, 180)
  int torsion_w1_bins = 720;     // 0.5 degree bins for the circular Wasserstein-1 distance
  int ramachandran_bins = 36;    // per axis of the (phi, psi) histogram (10 degrees)
  std::vector<double> validity_tolerances{0.1, 0.2};  // Angstrom, bond vs reference mean
  double clash_distance = 0.75;  // Angstrom, closest allowed non-bonded pair
  double bond_plot_halfwidth = 0.35;  // bond histogram range: reference mean +- this
  double kt = 0;                 // kT at the target in the energy unit, when known: energy distances also in kT
};

class EnsembleStats {
 public:
  EnsembleStats(const Topology& topo, const MetricSettings& settings);
  // weight: the conformation's importance weight, finite and >= 0 (std::invalid_argument otherwise).
  void add(const Conformation& c, double weight = 1.0);

  size_t count() const { return count_; }  // conformations added (whatever their weights)
  const std::vector<double>& weights() const { return weights_; }  // per conformation, in order of add()
  // Kish's effective sample size (sum w)^2 / sum w^2: count() for uniform weights, 0 when empty or all weights are 0.
  double effective_sample_size() const;
  const Topology& topology() const { return topo_; }
  const MetricSettings& settings() const { return settings_; }
  const Histogram& all_pairs() const { return all_pairs_; }
  const std::vector<std::string>& pair_types() const { return pair_types_; }
  const std::vector<Histogram>& pair_type_histograms() const { return by_type_; }
  const std::vector<Torsion>& torsions() const { return torsions_; }
  const std::vector<Histogram>& torsion_histograms() const { return torsion_hists_; }  // labelled
  // Label-free: every pooled dihedral of a conformation with weight (its weight)/pooled.size().
  const std::vector<Histogram>& pooled_torsion_histograms() const { return pooled_hists_; }
  const std::vector<Histogram>& fine_torsion_histograms() const { return fine_hists_; }         // labelled
  const std::vector<Histogram>& fine_pooled_torsion_histograms() const { return fine_pooled_hists_; }
  // Torsion t's pooled angles (degrees), count x torsions()[t].pooled.size(); the labelled angle first.
  const std::vector<float>& torsion_angles(size_t t) const { return angles_[t]; }
  const std::vector<long>& molecules() const { return molecules_; }  // molecule ID of each conformation
  // Backbone (phi, psi) pairs (none for a molecule without peptide bonds), their torus histograms
  // (bins^2, flattened phi-major) and every conformation's angles (degrees, phi then psi).
  const std::vector<RamachandranPair>& ramachandran_pairs() const { return rama_pairs_; }
  const std::vector<Histogram>& ramachandran_histograms() const { return rama_hists_; }
  const std::vector<float>& ramachandran_angles(size_t p) const { return rama_angles_[p]; }
  // Weighted mean length of each bond (zeros when empty, NaN when the total weight is 0).
  std::vector<double> bond_means() const;
  const std::vector<float>& bond_lengths() const { return bond_lengths_; }  // count x n_bonds
  const std::vector<float>& min_nonbonded() const { return min_nonbonded_; }
  // Energies of the conformations that carry one, and their weights (parallel to energies()).
  const std::vector<double>& energies() const { return energies_; }
  const std::vector<double>& energy_weights() const { return energy_weights_; }
  // Weighted fraction of conformations whose every bond is within tol of ref_means[b] and whose
  // closest non-bonded pair is at least clash_distance apart (NaN when empty or the total weight is 0).
  double valid_fraction(const std::vector<double>& ref_means, double tol) const;

 private:
  const Topology& topo_;
  MetricSettings settings_;
  size_t count_ = 0;
  Histogram all_pairs_;
  std::vector<std::string> pair_types_;
  std::vector<int> pair_type_of_;  // per (i<j) pair, index into pair_types_
  std::vector<char> pair_bonded_;  // per (i<j) pair: 1 when bonded (excluded from clash checks)
  std::vector<Histogram> by_type_;
  std::vector<Torsion> torsions_;
  std::vector<Histogram> torsion_hists_, pooled_hists_, fine_hists_, fine_pooled_hists_;
  std::vector<std::vector<float>> angles_;
  std::vector<RamachandranPair> rama_pairs_;
  std::vector<Histogram> rama_hists_;
  std::vector<std::vector<float>> rama_angles_;
  std::vector<long> molecules_;
  std::vector<float> bond_lengths_;
  std::vector<float> min_nonbonded_;
  std::vector<double> energies_, energy_weights_;
  std::vector<double> weights_;
  double unit_weight_ = 0;  // the first positive weight: the histograms' unit
};

}  // namespace drift
