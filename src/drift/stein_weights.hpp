#pragma once
// Likelihood-free importance weights from forces: black-box importance sampling (Liu & Lee,
// AISTATS 2017). Given samples x_i from any distribution q and the target's score s_i = beta F(x_i),
// the weights on the simplex that minimise the weighted kernel Stein discrepancy
//
//     w = argmin_{w >= 0, sum w = 1} w^T K w,   K_ij = u_p(x_i, x_j)   (the Stein kernel)
//
// make sum_i w_i f(x_i) a consistent estimate of E_p[f] for every f in the kernel's span, without
// q's density: the generator's likelihood is never needed. Stein thinning (Riabiz et al., JRSS-B
// 2022) greedily picks m points (with repetition) by the same criterion.
//
// The QP is solved exactly, to a certified tolerance, by sequential minimal optimisation: each step
// moves mass between the pair of samples that most violates the optimality conditions (second-order
// working-set selection, Fan, Chen & Lin 2005), in O(n) with two rows of K. The Frank-Wolfe gap
// 2 w^T K w - min_i (2 K w)_i bounds f(w) - f* from above; the solver stops when it falls below
// `tolerance` * f(w).
//
// Cost: n(n+1)/2 kernel evaluations of O(d) each, spread over `threads`, and n^2 floats of memory
// (400 MB at n = 10^4); then O(n) per SMO step, typically a few n steps. See docs/method.md.
#include <cstddef>
#include <string>
#include <vector>

#include "drift/frames.hpp"
#include "drift/stein.hpp"

namespace drift {

// The Stein kernel matrix of n points in d dimensions (row-major float, symmetric).
class SteinKernelMatrix {
 public:
  // points, scores: row-major n x d. bandwidth: IMQ h in the points' units.
  SteinKernelMatrix(const std::vector<double>& points, const std::vector<double>& scores, size_t n, size_t d,
                    double bandwidth, int threads = 0);
  size_t size() const { return n_; }
  const float* row(size_t i) const { return k_.data() + i * n_; }
  double operator()(size_t i, size_t j) const { return k_[i * n_ + j]; }
  // Memory the matrix of n points needs, in bytes (for refusals before allocating).
  static double bytes_for(size_t n) { return 4.0 * static_cast<double>(n) * static_cast<double>(n); }
  static constexpr double kMaxBytes = 8.0e9;

 private:
  size_t n_;
  std::vector<float> k_;
};

struct SteinWeightSettings {
  // IMQ h (whitened units for conformations: the KSD's ruler); <= 0: the median heuristic, h = the
  // median distance between samples times -bandwidth (0 counts as 1).
  double bandwidth = 0.0;
  double tolerance = 1e-6;    // relative Frank-Wolfe gap at which the QP counts as solved
  long max_steps = 0;         // SMO steps before giving up (0: 200 n)
  int threads = 0;            // kernel evaluation threads (0: all hardware threads)
};

struct SteinWeights {
  std::vector<double> weights;       // on the simplex, in the samples' order
  double effective_sample_size = 0;  // 1 / sum w^2
  double ksd2_weighted_v = 0;        // w^T K w (V-statistic, the minimised objective)
  double ksd2_uniform_v = 0;         // the same with w = 1/n
  // KSD^2 of the weighted sample without the diagonal, sum_{i!=j} w_i w_j K_ij / sum_{i!=j} w_i w_j:
  // comparable with the unweighted U-statistic (0 for Boltzmann samples), though biased low since
  // the weights were chosen on the same samples.
  double ksd2_weighted_u = 0;
  double bandwidth = 0;              // h used (kernel)
  // Moments: the largest |standardised Stein moment| x sqrt(n) of uniform and of the final weights
  // (about N(0, 1) each for exact samples), and which identity it is.
  double moment_z_uniform = 0, moment_z_weighted = 0;
  std::string worst_moment;
  size_t features = 0;
  double gap = 0;                    // certified bound on f(w) - f*
  long steps = 0;
  bool converged = false;
  double kernel_seconds = 0, solve_seconds = 0;
  // Configurational temperature ratio T_conf / T of the weighted sample (conformations only).
  double temperature_ratio = 0, temperature_ratio_error = 0;
};

// The QP on a given kernel matrix.
SteinWeights solve_stein_weights(const SteinKernelMatrix& k, const SteinWeightSettings& settings = {});

// Black-box importance weights of points with scores (row-major n x d), no alignment or whitening:
// for toy densities in R^d.
SteinWeights stein_importance_weights(const std::vector<double>& points, const std::vector<double>& scores, size_t n,
                                      size_t d, const SteinWeightSettings& settings = {});

// Weights of conformations (with forces) against the Boltzmann distribution at beta, in the
// coordinates of the KSD (aligned, whitened by the metric: rigid-body motions carry no weight).
SteinWeights stein_importance_weights(const std::vector<Conformation>& confs, double beta, const SteinMetric& metric,
                                      const SteinWeightSettings& settings = {});

// Weighted KSD^2 (off-diagonal, as ksd2_weighted_u) and T_conf / T of conformations with given
// weights (e.g. read from a file), in the coordinates of the KSD; O(n^2 d) time, O(n d) memory.
SteinDiscrepancy weighted_kernel_stein_discrepancy(const std::vector<Conformation>& confs, const std::vector<double>& weights,
                                                   double beta, const SteinMetric& metric, double bandwidth, int threads = 0);

// Median distance between rows of points (n x d), over at most max_points evenly spaced rows.
double median_pairwise_distance(const std::vector<double>& points, size_t n, size_t d, size_t max_points = 1000);

// Stein thinning: m indices (repetition allowed), greedily minimising the KSD of their empirical
// distribution: pick_t = argmin_j K_jj / 2 + sum_{s<t} K_{pick_s, j}.
std::vector<size_t> stein_thinning(const SteinKernelMatrix& k, size_t m);

// Systematic resampling: n_out indices with counts within 1 of n_out * w_i, from one uniform u in
// [0, 1) (the caller's random stream). Indices ascending.
std::vector<size_t> systematic_resample(const std::vector<double>& weights, size_t n_out, double u);

// Effective sample size (sum w)^2 / sum w^2 of non-negative weights.
double effective_sample_size(const std::vector<double>& weights);

}  // namespace drift
