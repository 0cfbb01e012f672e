// The integrated autocorrelation time and its standard error on series of known tau.
#include <cmath>
#include <random>

#include "drift/autocorrelation.hpp"
#include "test_util.hpp"

using namespace drift;

namespace {
// M independent AR(1) series x_t = rho x_{t-1} + sqrt(1 - rho^2) e_t, started in equilibrium:
// tau_int = (1 + rho) / (1 - rho) exactly.
std::vector<std::vector<double>> ar1(int m, int length, double rho, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0, 1);
  std::vector<std::vector<double>> s(m);
  for (auto& series : s) {
    double x = g(rng);
    for (int t = 0; t < length; ++t) {
      series.push_back(x);
      x = rho * x + std::sqrt(1 - rho * rho) * g(rng);
    }
  }
  return s;
}
}  // namespace

TEST(Autocorrelation, Ar1WithinItsStandardError) {
  // Mutations: dropping the factor 2 of tau = 1 + 2 sum rho gives tau ~ 10 instead of 19; a
  // standard error without the jackknife factor (G - 1) is ~30x too small for the spread below.
  const double rho = 0.9, exact = (1 + rho) / (1 - rho);
  const auto r = integrated_autocorrelation_time(ar1(64, 4000, rho, 1));
  EXPECT_NEAR(r.tau, exact, 3 * r.standard_error);
  EXPECT_LT(r.relative_error(), 0.05);
  EXPECT_GT(r.relative_error(), 0.005);
  EXPECT_EQ(r.groups, 32);
  EXPECT_GE(r.window, 5 * r.tau);
  // The stated error is the real spread: over 24 independent repetitions, the rms deviation from
  // the exact tau is within a factor 1.6 of the mean stated error (Sokal's window biases tau
  // down by ~exp(-W/tau_exp), here < 1e-2 of the error).
  double sq = 0, se = 0;
  for (int rep = 0; rep < 24; ++rep) {
    const auto x = integrated_autocorrelation_time(ar1(64, 4000, rho, 100 + rep));
    sq += (x.tau - exact) * (x.tau - exact);
    se += x.standard_error;
  }
  const double rms = std::sqrt(sq / 24), mean_se = se / 24;
  EXPECT_GT(rms / mean_se, 1 / 1.6);
  EXPECT_LT(rms / mean_se, 1.6);
}

TEST(Autocorrelation, WhiteNoiseConstantsAndShortSeries) {
  const auto white = integrated_autocorrelation_time(ar1(16, 4000, 0.0, 2));
  EXPECT_NEAR(white.tau, 1.0, 3 * white.standard_error);
  const auto constant = integrated_autocorrelation_time({{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}});
  EXPECT_EQ(constant.tau, 1.0);
  EXPECT_EQ(constant.standard_error, 0.0);
  // Series far shorter than the window: no number rather than a wrong one.
  EXPECT_TRUE(std::isnan(integrated_autocorrelation_time(ar1(4, 30, 0.99, 3)).tau));
  // ... but a lower bound: tau_int > (half the length) / c. AR(1) at rho = 0.999 has tau = 1999
  // frames; 32 series of 400 frames resolve no window, and the bound (199 / 5 ~ 40 frames) holds.
  // Mutation: leaving the bound at 0 (or at the length instead of length / 2c) fails here.
  const auto slow = integrated_autocorrelation_time(ar1(32, 400, 0.999, 5));
  ASSERT_TRUE(std::isnan(slow.tau));
  EXPECT_DOUBLE_EQ(slow.lower_bound, 199.0 / 5.0);
  EXPECT_EQ(white.lower_bound, 0.0);
  // One series: tau, but no standard error.
  const auto one = integrated_autocorrelation_time(ar1(1, 20000, 0.5, 4));
  EXPECT_NEAR(one.tau, 3.0, 0.5);
  EXPECT_TRUE(std::isnan(one.standard_error));
}
