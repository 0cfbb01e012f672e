// Stein importance weights on densities whose answers are known exactly: the kernel QP (black-box
// importance sampling) and the Stein moment weights, their solvers' certificates, systematic
// resampling and Stein thinning.
#include <algorithm>
#include <cmath>
#include <random>

#include "drift/stein_moments.hpp"
#include "drift/stein_weights.hpp"
#include "test_util.hpp"

using namespace drift;

namespace {

struct Toy {
  std::vector<double> x, s;  // n x d
  size_t n = 0, d = 0;
};

// n samples of N(0, var I_d), scores of the target N(0, I_d).
Toy gaussian(size_t n, size_t d, double var, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, std::sqrt(var));
  Toy t;
  t.n = n;
  t.d = d;
  for (size_t k = 0; k < n * d; ++k) {
    t.x.push_back(normal(rng));
    t.s.push_back(-t.x.back());
  }
  return t;
}

double weighted_second_moment(const Toy& t, const std::vector<double>& w) {
  double m = 0;
  for (size_t i = 0; i < t.n; ++i)
    for (size_t a = 0; a < t.d; ++a) m += w[i] * t.x[i * t.d + a] * t.x[i * t.d + a];
  return m / static_cast<double>(t.d);
}

// A tilted 1-D double well U(x) = 2 (x^2 - 1)^2 + 0.5 x in kT: exact left-well population by quadrature.
double well_energy(double x) { return 2.0 * (x * x - 1) * (x * x - 1) + 0.5 * x; }
double well_score(double x) { return -(8.0 * x * (x * x - 1) + 0.5); }
double exact_left_population() {
  double left = 0, all = 0;
  for (double x = -4; x < 4; x += 1e-4) {
    const double p = std::exp(-well_energy(x));
    all += p;
    if (x < 0) left += p;
  }
  return left / all;
}

// Both wells sampled 50/50 (the exact split is 70/30) with Gaussians of the wells' widths.
Toy wrong_double_well(size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 0.3);
  Toy t;
  t.n = n;
  t.d = 1;
  for (size_t i = 0; i < n; ++i) {
    t.x.push_back((i % 2 ? 1.0 : -1.0) + normal(rng));
    t.s.push_back(well_score(t.x.back()));
  }
  return t;
}

// Weighted fraction with x < 0 and its ratio-estimator standard error.
std::pair<double, double> left_population(const Toy& t, const std::vector<double>& w) {
  double p = 0;
  for (size_t i = 0; i < t.n; ++i) p += w[i] * (t.x[i] < 0);
  double var = 0;
  for (size_t i = 0; i < t.n; ++i) var += w[i] * w[i] * ((t.x[i] < 0) - p) * ((t.x[i] < 0) - p);
  return {p, std::sqrt(var * t.n / (t.n - 1.0))};
}

double objective(const SteinKernelMatrix& k, const std::vector<double>& w) {
  double f = 0;
  for (size_t i = 0; i < k.size(); ++i)
    for (size_t j = 0; j < k.size(); ++j) f += w[i] * k(i, j) * w[j];
  return f;
}

}  // namespace

// Fails if the kernel weights ignore the scores (uniform weights give 1.48) or a term of the Stein
// kernel has the wrong sign.
TEST(SteinKernelWeights, GaussianAtTheWrongTemperatureRecoversTheTargetVariance) {
  const Toy t = gaussian(2000, 3, 1.5, 14);
  SteinWeightSettings s;
  s.bandwidth = 1;
  s.tolerance = 1e-4;
  const auto w = stein_importance_weights(t.x, t.s, t.n, t.d, s);
  EXPECT_TRUE(w.converged);
  EXPECT_GT(weighted_second_moment(t, std::vector<double>(t.n, 1.0 / t.n)), 1.4);
  EXPECT_NEAR(weighted_second_moment(t, w.weights), 1.0, 0.05);
  EXPECT_LT(w.ksd2_weighted_v, 0.1 * w.ksd2_uniform_v);
}

// Fails if the kernel weights ignore the scores (they then collapse: ESS/n 0.007, SE 0.13) or stay
// uniform (the samples' own 50/50 split is 18 of its standard errors off).
TEST(SteinKernelWeights, DoubleWellPopulationsWithinTwoStandardErrors) {
  const double exact = exact_left_population();
  const Toy t = wrong_double_well(2000, 5);
  const auto raw = left_population(t, std::vector<double>(t.n, 1.0 / t.n));
  SteinWeightSettings s;
  s.bandwidth = 1;
  // (In 1-D the objective approaches 0 and the relative gap stops at ~1e-5: no convergence assert.)
  const auto w = stein_importance_weights(t.x, t.s, t.n, t.d, s);
  const auto weighted = left_population(t, w.weights);
  EXPECT_GT(std::fabs(raw.first - exact), 5 * raw.second);  // the test binds
  EXPECT_LT(std::fabs(weighted.first - exact), 2 * weighted.second);
  EXPECT_LT(weighted.second, 0.05);  // measured 0.026
}

// The measured limit: kernel weights of exact samples are unbiased but far from uniform in few
// dimensions (they also cancel Monte-Carlo noise, as a quadrature rule does). Fails if the kernel's
// diagonal is dropped (the weights then collapse onto a few samples) or if the solver stops at the
// uniform start.
TEST(SteinKernelWeights, ExactSamplesStayUnbiasedButNotUniform) {
  const Toy t = gaussian(2000, 3, 1.0, 3);
  SteinWeightSettings s;
  s.bandwidth = 1;
  const auto w = stein_importance_weights(t.x, t.s, t.n, t.d, s);
  EXPECT_NEAR(weighted_second_moment(t, w.weights), 1.0, 0.05);
  EXPECT_GT(w.effective_sample_size / t.n, 0.25);
  EXPECT_LT(w.effective_sample_size / t.n, 0.7);
}

// The QP's optimum, certified: SMO against projected gradient run to convergence on a small
// problem, and the optimality conditions (every supported sample at the smallest gradient).
// Fails if the pair step overshoots (no clip, or a step of twice the line optimum), if the reported
// gap is not the Frank-Wolfe gap (e.g. halved), or if the solver returns before the tolerance
// (a threshold 2x or more too loose).
TEST(SteinKernelWeights, SolverReachesTheCertifiedOptimum) {
  const Toy t = gaussian(60, 2, 2.0, 8);
  const SteinKernelMatrix k(t.x, t.s, t.n, t.d, 1.0, 1);
  SteinWeightSettings s;
  s.tolerance = 1e-9;
  const auto w = solve_stein_weights(k, s);
  ASSERT_TRUE(w.converged);
  // Reference: projected gradient with a fixed small step, many iterations.
  std::vector<double> v(t.n, 1.0 / t.n), scratch(t.n);
  double top = 0;
  for (size_t i = 0; i < t.n; ++i) {
    double row = 0;
    for (size_t j = 0; j < t.n; ++j) row += std::fabs(k(i, j));
    top = std::max(top, row);
  }
  for (int it = 0; it < 200000; ++it) {
    std::vector<double> g(t.n, 0.0);
    for (size_t i = 0; i < t.n; ++i)
      for (size_t j = 0; j < t.n; ++j) g[i] += 2 * k(i, j) * v[j];
    for (size_t i = 0; i < t.n; ++i) v[i] -= g[i] / (2 * top);
    // projection onto the simplex
    scratch = v;
    std::sort(scratch.begin(), scratch.end(), std::greater<double>());
    double cum = 0, theta = 0;
    for (size_t q = 0; q < t.n; ++q) {
      cum += scratch[q];
      if (scratch[q] - (cum - 1) / (q + 1.0) > 0) theta = (cum - 1) / (q + 1.0);
    }
    for (double& e : v) e = std::max(e - theta, 0.0);
  }
  const double f_smo = objective(k, w.weights), f_ref = objective(k, v);
  EXPECT_NEAR(f_smo, f_ref, 1e-6 * f_ref);
  EXPECT_LE(f_smo - f_ref, w.gap + 1e-12);
  EXPECT_NEAR(f_smo, w.ksd2_weighted_v, 1e-6 * f_smo);
  double sum = 0, g_min = INFINITY;
  std::vector<double> g(t.n, 0.0);
  for (size_t i = 0; i < t.n; ++i) {
    sum += w.weights[i];
    for (size_t j = 0; j < t.n; ++j) g[i] += k(i, j) * w.weights[j];
    g_min = std::min(g_min, g[i]);
  }
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_LE(w.gap, s.tolerance * f_smo);                       // returned at the tolerance
  EXPECT_GE(w.gap, 2 * (f_smo - g_min) * (1 - 1e-3) - 1e-15);  // the reported gap is the Frank-Wolfe gap
  for (size_t i = 0; i < t.n; ++i) {
    EXPECT_GE(w.weights[i], 0.0);
    if (w.weights[i] > 1e-6) {
      EXPECT_NEAR(g[i], g_min, 1e-5 * std::fabs(g_min) + 1e-9) << "sample " << i;
    }
  }
}

// Fails if the degree-1 fields z_b e_a or their divergence are wrong (degree 1 forces
// sum w x^2 = 1 up to the ridge), if the constant fields e_a are dropped (the shifted case's mean
// stays 0.35), or if the features are not standardised by their own scale.
TEST(SteinMomentWeights, GaussianAtTheWrongTemperatureRecoversTheTargetVariance) {
  {
    const Toy t = gaussian(2000, 3, 1.0, 2);
    const auto f = polynomial_stein_features(t.x, t.s, t.n, t.d, 1, -1);
    for (size_t k = 0; k < f.r; ++k) {
      double ms = 0;
      for (size_t i = 0; i < f.n; ++i) ms += f.phi[i * f.r + k] * f.phi[i * f.r + k] / f.n;
      EXPECT_NEAR(ms, 1.0, 1e-9) << f.names[k];
    }
  }
  {
    Toy t = gaussian(2000, 1, 1.5, 5);
    for (auto& x : t.x) x += 0.5;  // N(0.5, 1.5) against N(0, 1)
    for (size_t i = 0; i < t.n; ++i) t.s[i] = -t.x[i];
    SteinMomentSettings s;
    s.ridge = 1e-3;
    const auto w = stein_moment_weights(t.x, t.s, t.n, t.d, s);
    double mean = 0;
    for (size_t i = 0; i < t.n; ++i) mean += w.weights[i] * t.x[i];
    EXPECT_NEAR(mean, 0.0, 0.05);
  }
  for (size_t d : {1, 3, 21}) {
    const Toy t = gaussian(2000, d, 1.5, 21 + d);
    SteinMomentSettings s;
    s.ridge = 1e-3;
    const auto w = stein_moment_weights(t.x, t.s, t.n, t.d, s);
    EXPECT_TRUE(w.converged) << "d = " << d;
    EXPECT_NEAR(weighted_second_moment(t, w.weights), 1.0, 0.05) << "d = " << d;
    EXPECT_GT(w.moment_z_uniform, 8.0) << "d = " << d;  // the bias is seen
    EXPECT_LT(w.moment_z_weighted, 0.5 * w.moment_z_uniform) << "d = " << d;
  }
}

// The measured limit of the moments: polynomial fields (degree 5 here) cannot move mass between two
// wells, which the kernel weights do (DoubleWellPopulationsWithinTwoStandardErrors above): the
// weights stay near uniform and the population near the samples' 50/50 (docs/method.md). A record
// of the limit; as a guard it fails if the identities are not met (solver not run, ridge dropped:
// not converged, or a moment left) or a field's divergence is wrong (ESS/n below 0.8).
TEST(SteinMomentWeights, PolynomialFieldsDoNotMovePopulationsBetweenWells) {
  const double exact = exact_left_population();
  const Toy t = wrong_double_well(2000, 5);
  SteinMomentSettings s;
  s.degree = 5;
  s.ridge = 1e-4;
  const auto w = stein_moment_weights(t.x, t.s, t.n, t.d, s);
  const auto weighted = left_population(t, w.weights);
  EXPECT_TRUE(w.converged);
  EXPECT_LT(w.moment_z_weighted, 0.1);  // every identity met ...
  EXPECT_GT(std::fabs(weighted.first - exact), 5 * weighted.second);  // ... and the population still wrong
  EXPECT_GT(w.effective_sample_size / t.n, 0.8);
}

// Exact samples keep nearly uniform weights (ESS/n ~ 1 - r/n) and their moments stay within
// noise. Fails if the ridge is dropped (the relative gap cannot be met as f -> 0: not converged) or
// the moments are not centred on the Stein identities' value 0 (e.g. a missing +1 of the divergence).
TEST(SteinMomentWeights, ExactSamplesKeepNearlyUniformWeights) {
  for (size_t d : {3, 21}) {
    const Toy t = gaussian(4000, d, 1.0, 3 + d);
    const auto w = stein_moment_weights(t.x, t.s, t.n, t.d);
    std::printf("exact d=%zu: ESS/n %.3f, <x^2> %.4f, largest |z| %.2f over %zu identities\n", d,
                w.effective_sample_size / t.n, weighted_second_moment(t, w.weights), w.moment_z_uniform, w.features);
    EXPECT_TRUE(w.converged) << "d = " << d;
    EXPECT_GT(w.effective_sample_size / t.n, 0.9) << "d = " << d;
    EXPECT_LT(w.moment_z_uniform, 5.0) << "d = " << d;
    EXPECT_NEAR(weighted_second_moment(t, w.weights), 1.0, 0.03) << "d = " << d;
  }
}

// Fails if the reported certificate is not the Frank-Wolfe gap of the returned weights (e.g. halved),
// if the solver returns its momentum point instead of the iterate, or if the steps are not projected
// onto the simplex (the solver then fails to converge).
TEST(SteinMomentWeights, SolverCertificateBoundsTheOptimum) {
  const Toy t = gaussian(300, 2, 2.0, 4);
  SteinMomentSettings loose, tight;
  loose.tolerance = 1e-3;
  tight.tolerance = 1e-6;
  tight.max_iterations = 200000;
  const auto a = stein_moment_weights(t.x, t.s, t.n, t.d, loose);
  const auto b = stein_moment_weights(t.x, t.s, t.n, t.d, tight);
  ASSERT_TRUE(a.converged);
  ASSERT_TRUE(b.converged);
  EXPECT_LE(a.ksd2_weighted_v - b.ksd2_weighted_v, a.gap + 1e-12);
  EXPECT_GE(a.ksd2_weighted_v, b.ksd2_weighted_v - 1e-12);
  // Objective and Frank-Wolfe gap recomputed from the returned weights.
  const auto f = polynomial_stein_features(t.x, t.s, t.n, t.d, loose.degree, loose.cross_modes);
  const double lambda = loose.ridge * t.n;
  std::vector<double> m(f.r, 0.0), g(t.n);
  for (size_t i = 0; i < t.n; ++i)
    for (size_t k = 0; k < f.r; ++k) m[k] += a.weights[i] * f.phi[i * f.r + k];
  double obj = 0, gw = 0, g_min = INFINITY;
  for (double v : m) obj += v * v;
  for (size_t i = 0; i < t.n; ++i) {
    obj += lambda * a.weights[i] * a.weights[i];
    double dot = 0;
    for (size_t k = 0; k < f.r; ++k) dot += f.phi[i * f.r + k] * m[k];
    g[i] = 2 * (dot + lambda * a.weights[i]);
    gw += g[i] * a.weights[i];
    g_min = std::min(g_min, g[i]);
  }
  EXPECT_NEAR(obj, a.ksd2_weighted_v, 1e-9 * obj);
  EXPECT_GE(a.gap, (gw - g_min) * (1 - 1e-6));
  double sum = 0;
  for (double v : a.weights) {
    EXPECT_GE(v, 0.0);
    sum += v;
  }
  EXPECT_NEAR(sum, 1.0, 1e-9);
}

// Fails if a count strays more than 1 from n_out w_i, a zero weight is drawn, or u does not shift the
// positions.
TEST(SystematicResampling, CountsFollowTheWeights) {
  const std::vector<double> w{0.5, 0.0, 0.25, 0.125, 0.125};
  for (double u : {0.0, 0.3, 0.999}) {
    const auto picks = systematic_resample(w, 16, u);
    ASSERT_EQ(picks.size(), 16u);
    EXPECT_TRUE(std::is_sorted(picks.begin(), picks.end()));
    for (size_t i = 0; i < w.size(); ++i) {
      const auto count = std::count(picks.begin(), picks.end(), i);
      EXPECT_LE(std::fabs(count - 16 * w[i]), 1.0) << "u " << u << " sample " << i;
      if (w[i] == 0) {
        EXPECT_EQ(count, 0) << "u " << u << " sample " << i;
      }
    }
  }
  // Unnormalised weights are normalised; 1/3 each of 4 draws: one sample drawn twice, which by u.
  const auto a = systematic_resample({1, 1, 1}, 4, 0.1), b = systematic_resample({1, 1, 1}, 4, 0.9);
  EXPECT_NE(a, b);
  EXPECT_THROW(systematic_resample({1, -1}, 2, 0.5), std::invalid_argument);
  EXPECT_THROW(systematic_resample({0, 0}, 2, 0.5), std::invalid_argument);
  EXPECT_THROW(systematic_resample({1}, 2, 1.0), std::invalid_argument);
}

// Fails if thinning ignores the running sums (it would pick the same point m times).
TEST(SteinThinning, PicksAnEnsembleCloserToTheTarget) {
  const Toy t = gaussian(1000, 2, 1.5, 9);
  const SteinKernelMatrix k(t.x, t.s, t.n, t.d, 1.0, 1);
  const auto picks = stein_thinning(k, 200);
  ASSERT_EQ(picks.size(), 200u);
  std::vector<double> w(t.n, 0.0);
  for (size_t p : picks) w[p] += 1.0 / 200;
  EXPECT_GT(effective_sample_size(w), 100.0);
  EXPECT_LT(std::fabs(weighted_second_moment(t, w) - 1.0), 0.5 * std::fabs(weighted_second_moment(t, std::vector<double>(t.n, 1.0 / t.n)) - 1.0));
}

// Fails if bad input reaches the solvers.
TEST(SteinWeightsInput, RefusesWhatCannotBeSolved) {
  Toy t = gaussian(10, 2, 1.0, 1);
  t.s[3] = NAN;
  EXPECT_THROW(stein_importance_weights(t.x, t.s, t.n, t.d), std::invalid_argument);
  EXPECT_THROW(stein_moment_weights(t.x, t.s, t.n, t.d), std::invalid_argument);
  EXPECT_THROW(SteinKernelMatrix(std::vector<double>(4), std::vector<double>(4), 2, 3, 1.0), std::invalid_argument);
  const size_t huge = 100000;  // 40 GB of kernel: refused before allocating
  EXPECT_THROW(SteinKernelMatrix(std::vector<double>(huge), std::vector<double>(huge), huge, 1, 1.0), std::invalid_argument);
  SteinMomentSettings s;
  s.ridge = 0;
  const Toy ok = gaussian(10, 2, 1.0, 1);
  EXPECT_THROW(stein_moment_weights(ok.x, ok.s, ok.n, ok.d, s), std::invalid_argument);
}
