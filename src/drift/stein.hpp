#pragma once
// Kernel Stein discrepancy (KSD) of conformations against the Boltzmann distribution at inverse
// temperature beta, from the forces at the samples alone (no reference ensemble, no partition
// function): KSD^2 = E_{x,x'}[u_p(x, x')] with the Stein kernel of an inverse multiquadric base
// kernel k = (1 + |x - x'|^2 / h^2)^(-1/2) and the Boltzmann score s = beta F (Gorham & Mackey
// 2017; Liu, Lee & Jordan 2016). The U-statistic is unbiased: it scatters around 0 for Boltzmann
// samples and grows with any mismatch. Conformations are centred and rotated onto a reference
// structure (forces rotated with them), then whitened by the metric beta H, H the force field's
// Hessian at that structure, on its top 3N - 6 eigen-directions (z = (beta H)^1/2 x,
// s_z = (beta H)^-1/2 s): every internal mode, stiff bond or soft torsion, then has unit curvature
// in kT, and the default bandwidth h = 1 resolves each mode's thermal fluctuation. The metric comes
// from the force field, not from the samples, so every ensemble is measured with the same ruler
// (whitening by the samples' own forces hid noisy generators; the median-distance heuristic was
// blind to a 300 K vs 500 K mismatch: docs/metrics.md).
//
// Also the configurational (Stein) temperature ratio T_conf / T = <-s . (x - centroid)> / (3N - 3):
// exact for Boltzmann samples of a centred molecule, < 1 for samples that are too cold along the
// force directions, > 1 for too hot ones (e.g. noisy bond lengths).
#include <cstddef>
#include <functional>
#include <vector>

#include "drift/frames.hpp"

namespace drift {

struct SteinDiscrepancy {
  double ksd2 = 0;            // U-statistic estimate of KSD^2
  double standard_error = 0;  // of ksd2 (leading-order U-statistic variance)
  double bandwidth = 1;       // h in whitened units
  double temperature_ratio = 0;             // T_conf / T
  double temperature_ratio_error = 0;       // its standard error
  size_t count = 0;
};

// The ruler: a reference structure (3N, e.g. the data file's minimum geometry) and beta H there.
struct SteinMetric {
  std::vector<double> structure;    // 3N
  std::vector<double> beta_hessian; // 3N x 3N, row-major
};

// beta H by central differences of forces: `label` fills forces of the displaced copies
// (2 * 3N conformations, displacement delta in length units).
SteinMetric stein_metric(const std::vector<double>& structure, double beta,
                         const std::function<void(std::vector<Conformation>&)>& label, double delta = 1e-3);

// Conformations in the ruler's coordinates: centred, rotated onto the metric's structure (forces
// with them) and whitened on the top 3N - 6 eigen-directions of beta H. Row-major count x dim.
struct WhitenedSamples {
  size_t count = 0, dim = 0;
  std::vector<double> z, score;  // positions and beta-scores (s_z = (beta H)^-1/2 beta F)
  // The chart: aligned conformation x = aligned_origin + sum_a z_a tangent_a (3N each, dim rows),
  // and every sample's aligned Cartesian coordinates (count x 3N), for test functions of x.
  std::vector<double> tangent, aligned;
  // The part of `score` from the orbit volume of the rotations (score - orbit = -beta grad_z E).
  std::vector<double> orbit;
  const double* z_row(size_t i) const { return z.data() + i * dim; }
  const double* score_row(size_t i) const { return score.data() + i * dim; }
};
WhitenedSamples whitened_samples(const std::vector<Conformation>& confs, double beta, const SteinMetric& metric);

// The Stein kernel u_p(a, b) of the IMQ base kernel (1 + r^2 / h^2)^(-1/2) in d dimensions, for
// points a, b with scores sa, sb (h2 = h^2). Symmetric; u_p(a, a) = |sa|^2 + d / h^2.
double stein_kernel(const double* a, const double* sa, const double* b, const double* sb, size_t d, double h2);

// Configurational temperature terms -beta F . (x - centroid) of every conformation (their mean over
// a Boltzmann ensemble is 3N - 3).
std::vector<double> stein_virials(const std::vector<Conformation>& confs, double beta);

// T_conf / T of conformations with weights on the simplex, and its standard error (ratio-estimator
// linearisation, n / (n - 1) corrected).
void weighted_temperature_ratio(const std::vector<Conformation>& confs, const std::vector<double>& weights, double beta,
                                double& ratio, double& error);

// Conformations must carry forces (energy units / length); beta in 1 / energy units.
SteinDiscrepancy kernel_stein_discrepancy(const std::vector<Conformation>& confs, double beta, const SteinMetric& metric,
                                          double bandwidth = 1);

}  // namespace drift
