#include <cmath>
#include <random>

#include "drift/comparison.hpp"
#include "drift/ensemble_stats.hpp"
#include "drift/geometry.hpp"
#include "drift/histogram.hpp"
#include "drift/topology.hpp"
#include "test_util.hpp"

using namespace drift;

TEST(Divergences, IdenticalHistogramsGiveZero) {
  Histogram a(0, 1, 10), b(0, 1, 10);
  for (double v : {0.05, 0.15, 0.15, 0.95, 2.0}) {
    a.add(v);
    b.add(v);
  }
  EXPECT_DOUBLE_EQ(total_variation(a, b), 0.0);
  EXPECT_DOUBLE_EQ(jensen_shannon(a, b), 0.0);
}

TEST(Divergences, DisjointHistogramsGiveTheMaximum) {
  Histogram a(0, 1, 10), b(0, 1, 10);
  a.add(0.05);
  a.add(0.25);
  b.add(0.75);
  b.add(5.0);  // overflow counts as its own bin
  EXPECT_DOUBLE_EQ(total_variation(a, b), 1.0);
  EXPECT_NEAR(jensen_shannon(a, b), std::log(2.0), 1e-12);
}

TEST(Divergences, KnownPartialOverlap) {
  Histogram a(0, 2, 2), b(0, 2, 2);
  a.add(0.5, 3);
  a.add(1.5, 1);  // p = (0.75, 0.25)
  b.add(0.5, 1);
  b.add(1.5, 1);  // q = (0.5, 0.5)
  EXPECT_NEAR(total_variation(a, b), 0.25, 1e-12);
  const double m0 = 0.625, m1 = 0.375;
  const double jsd = 0.5 * (0.75 * std::log(0.75 / m0) + 0.25 * std::log(0.25 / m1)) +
                     0.5 * (0.5 * std::log(0.5 / m0) + 0.5 * std::log(0.5 / m1));
  EXPECT_NEAR(jensen_shannon(a, b), jsd, 1e-12);
}

TEST(Wasserstein, ExactSmallCases) {
  EXPECT_DOUBLE_EQ(wasserstein1({0.0}, {3.0}), 3.0);
  EXPECT_DOUBLE_EQ(wasserstein1({0, 1, 2}, {0, 1, 2}), 0.0);
  EXPECT_NEAR(wasserstein1({0, 1}, {0, 1, 2, 3}), 1.0, 1e-12);  // quantile coupling: (0+0+1+... )
}

TEST(Wasserstein, KnownGaussians) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> n01(0, 1);
  std::vector<double> a, b, c;
  for (int k = 0; k < 200000; ++k) {
    a.push_back(n01(rng));
    b.push_back(n01(rng) + 0.7);   // shift: W1 = 0.7
    c.push_back(2.0 * n01(rng));   // scale: W1 = |2-1| * sqrt(2/pi)
  }
  EXPECT_NEAR(wasserstein1(a, b), 0.7, 0.01);
  EXPECT_NEAR(wasserstein1(a, c), std::sqrt(2.0 / M_PI), 0.01);
}

TEST(Geometry, DihedralSignsAndRange) {
  // a-b-c-d with d rotated by +90 degrees about b->c.
  std::vector<double> x{1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1};
  EXPECT_NEAR(dihedral_degrees(x, 0, 1, 2, 3), 90.0, 1e-9);
  x[10] = -1;
  EXPECT_NEAR(dihedral_degrees(x, 0, 1, 2, 3), -90.0, 1e-9);
  std::vector<double> trans{1, 0, 0, 0, 0, 0, 0, 0, 1, -1, 0, 1};
  EXPECT_NEAR(std::fabs(dihedral_degrees(trans, 0, 1, 2, 3)), 180.0, 1e-9);
}

namespace {
// Rigid copies of the template with Gaussian noise of width sigma on every coordinate.
std::vector<Conformation> noisy(const Topology& t, int n, double sigma, unsigned seed, double energy_shift = 0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0, sigma);
  std::vector<Conformation> out;
  for (int k = 0; k < n; ++k) {
    Conformation c;
    c.x = t.template_positions;
    for (auto& v : c.x) v += g(rng);
    c.energy = 10 + energy_shift + g(rng);
    out.push_back(c);
  }
  return out;
}
}  // namespace

TEST(Comparison, SelfComparisonIsZeroAndValidityIsComplete) {
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  MetricSettings s;
  EnsembleStats a(t, s), b(t, s);
  for (const auto& c : noisy(t, 2000, 0.02, 1)) {
    a.add(c);
    b.add(c);
  }
  const Comparison r = compare(a, b, "self");
  EXPECT_EQ(r.n_sample, 2000u);
  EXPECT_DOUBLE_EQ(r.hr_tvd, 0.0);
  EXPECT_DOUBLE_EQ(r.pair_type_tvd_mean, 0.0);
  EXPECT_DOUBLE_EQ(r.bond_mae, 0.0);
  EXPECT_DOUBLE_EQ(r.torsion_jsd_max, 0.0);
  EXPECT_DOUBLE_EQ(r.energy_w1, 0.0);
  ASSERT_EQ(r.validity.size(), 2u);
  EXPECT_DOUBLE_EQ(r.validity[1].second, 1.0);  // 0.02 A noise: every bond within 0.2 A
  ASSERT_EQ(r.pair_type_tvd.size(), 5u);
  ASSERT_EQ(r.torsion_jsd.size(), 2u);
}

TEST(Comparison, NoisierEnsembleScoresWorseOnEveryMetric) {
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  MetricSettings s;
  EnsembleStats ref(t, s), same(t, s), hot(t, s);
  for (const auto& c : noisy(t, 4000, 0.03, 1)) ref.add(c);
  for (const auto& c : noisy(t, 4000, 0.03, 2)) same.add(c);
  for (const auto& c : noisy(t, 4000, 0.12, 3, 5.0)) hot.add(c);
  const Comparison a = compare(ref, same, "same"), b = compare(ref, hot, "hot");
  EXPECT_LT(a.hr_tvd, 0.05);
  EXPECT_GT(b.hr_tvd, 3 * a.hr_tvd);
  EXPECT_GT(b.pair_type_tvd_mean, 3 * a.pair_type_tvd_mean);
  EXPECT_LT(b.validity[0].second, a.validity[0].second);
  EXPECT_NEAR(b.energy_w1, 5.0, 0.1);
  EXPECT_LT(a.energy_w1, 0.1);
}

TEST(Comparison, ClashMakesAConformationInvalid) {
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  MetricSettings s;
  EnsembleStats ref(t, s), bad(t, s);
  Conformation c;
  c.x = t.template_positions;
  ref.add(c);
  // Rotate H5 about C1 onto H4: the C1-H5 bond keeps its length, the H4...H5 pair clashes.
  const double* c1 = &t.template_positions[0];
  const double* h4 = &t.template_positions[3 * 3];
  double u[3], len = 0, tilt[3] = {0.0, 0.25, 0.0};
  for (int d = 0; d < 3; ++d) u[d] = h4[d] - c1[d] + tilt[d];
  for (double v : u) len += v * v;
  len = std::sqrt(len);
  const double bond = distance(t.template_positions, 0, 4);
  for (int d = 0; d < 3; ++d) c.x[3 * 4 + d] = c1[d] + u[d] / len * bond;
  ASSERT_LT(distance(c.x, 3, 4), s.clash_distance);
  bad.add(c);
  EXPECT_DOUBLE_EQ(bad.valid_fraction(ref.bond_means(), 10.0), 0.0);
  EXPECT_DOUBLE_EQ(ref.valid_fraction(ref.bond_means(), 0.01), 1.0);
}
