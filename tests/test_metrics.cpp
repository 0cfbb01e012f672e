#include <cmath>
#include <random>

#include "drift/comparison.hpp"
#include "drift/conformation_source.hpp"
#include "drift/ensemble_stats.hpp"
#include "drift/geometry.hpp"
#include "drift/histogram.hpp"
#include "drift/report.hpp"
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

// ---- Importance weights --------------------------------------------------------------------------

TEST(Wasserstein, WeightedPointMasses) {
  // Mutation: F from the number of points instead of the cumulative weight gives 0.5; not normalising
  // each side's weights gives 0.75 only for the first case.
  EXPECT_DOUBLE_EQ(wasserstein1({0.0, 1.0}, {0.25, 0.75}, {0.0}, {1.0}), 0.75);
  EXPECT_DOUBLE_EQ(wasserstein1({1.0, 0.0}, {3.0, 1.0}, {0.0}, {5.0}), 0.75);  // unsorted, unnormalised
  EXPECT_DOUBLE_EQ(wasserstein1({0.0, 2.0}, {1.0, 0.0}, {0.0}, {1.0}), 0.0);   // weight 0: no mass at 2
  EXPECT_TRUE(std::isnan(wasserstein1({0.0}, {0.0}, {1.0}, {1.0})));          // no mass on one side
}

TEST(Wasserstein, IntegerWeightsEqualRepeatedSamplesAndUnitWeightsTheUnweightedOverload) {
  // Mutation: dropping ties (several equal values, one weight) or a per-side normalisation that differs
  // from i / n makes the unit weights differ from the unweighted overload in the last bits.
  std::mt19937_64 rng(11);
  std::normal_distribution<double> g(0, 1);
  std::uniform_int_distribution<int> k(0, 3);
  std::vector<double> a, wa, a_rep, b, wb, b_rep, ones_a, ones_b;
  for (int i = 0; i < 500; ++i) {
    const double v = std::round(g(rng) * 20) / 20;  // rounded: many ties
    a.push_back(v), wa.push_back(k(rng)), ones_a.push_back(1.0);
    for (int r = 0; r < wa.back(); ++r) a_rep.push_back(v);
    const double u = std::round((g(rng) * 1.3 + 0.4) * 20) / 20;
    b.push_back(u), wb.push_back(k(rng)), ones_b.push_back(1.0);
    for (int r = 0; r < wb.back(); ++r) b_rep.push_back(u);
  }
  EXPECT_NEAR(wasserstein1(a, wa, b, wb), wasserstein1(a_rep, b_rep), 1e-12);
  EXPECT_EQ(wasserstein1(a, ones_a, b, ones_b), wasserstein1(a, b));
}

TEST(Wasserstein, BadWeightsThrow) {
  // Mutation: accepting a negative weight or one weight too few (reading past the end).
  drift_test::expect_error<std::invalid_argument>([] { wasserstein1({0.0, 1.0}, {1.0}, {0.0}, {1.0}); },
                                                  {"one weight per value"});
  drift_test::expect_error<std::invalid_argument>([] { wasserstein1({0.0}, {-1.0}, {0.0}, {1.0}); }, {">= 0"});
  drift_test::expect_error<std::invalid_argument>([] { wasserstein1({0.0}, {1.0}, {0.0}, {NAN}); }, {"finite"});
}

TEST(EnsembleWeights, NegativeOrNonFiniteWeightThrowsAndAddsNothing) {
  // Mutation: accepting a negative or NaN weight (it would silently poison every histogram), or
  // checking it only after the conformation has been counted.
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  EnsembleStats e(t, MetricSettings{});
  Conformation c;
  c.x = t.template_positions;
  for (double bad : {-1.0, -1e-300, static_cast<double>(NAN), static_cast<double>(INFINITY)})
    drift_test::expect_error<std::invalid_argument>([&] { e.add(c, bad); }, {"weight", "finite and >= 0"});
  EXPECT_EQ(e.count(), 0u);
  EXPECT_TRUE(e.weights().empty());
  EXPECT_EQ(e.all_pairs().total(), 0.0);
  e.add(c, 0.0);  // zero is allowed
  EXPECT_EQ(e.count(), 1u);
}

TEST(EnsembleWeights, EffectiveSampleSize) {
  // Mutation: ESS as the number of conformations, or as sum w, or NaN (0/0) for all-zero weights.
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  EnsembleStats e(t, MetricSettings{}), zeros(t, MetricSettings{}), unit(t, MetricSettings{});
  EXPECT_EQ(e.effective_sample_size(), 0.0);
  Conformation c;
  c.x = t.template_positions;
  e.add(c, 1.0);
  e.add(c, 3.0);
  EXPECT_DOUBLE_EQ(e.effective_sample_size(), 16.0 / 10.0);
  EXPECT_EQ(e.weights(), (std::vector<double>{1.0, 3.0}));
  zeros.add(c, 0.0);
  zeros.add(c, 0.0);
  EXPECT_EQ(zeros.effective_sample_size(), 0.0);
  for (int k = 0; k < 7; ++k) unit.add(c);
  EXPECT_EQ(unit.effective_sample_size(), 7.0);
}

namespace {

// The shipped 500 K reference conformations (1000, with energies and three methyl wells).
std::vector<Conformation> reference_conformations(const Topology& t) {
  ConformationSource src(drift_test::source_path("potentials/ethanol-reference-500K.xyz"), t);
  std::vector<Conformation> out;
  Conformation c;
  while (src.next(c)) out.push_back(c);
  return out;
}

// |a - b| <= tol relative to max(1, |b|).
void expect_close(double a, double b, double tol, const std::string& what) {
  EXPECT_NEAR(a, b, tol * std::max(1.0, std::fabs(b))) << what;
}

// Every metric of a against b; well standard errors, z and the energy std only when asked.
void expect_same_metrics(const Comparison& a, const Comparison& b, double tol, bool standard_errors) {
  expect_close(a.hr_tvd, b.hr_tvd, tol, "hr_tvd");
  ASSERT_EQ(a.pair_type_tvd.size(), b.pair_type_tvd.size());
  for (size_t k = 0; k < a.pair_type_tvd.size(); ++k)
    expect_close(a.pair_type_tvd[k].second, b.pair_type_tvd[k].second, tol, "pair type " + a.pair_type_tvd[k].first);
  expect_close(a.pair_type_tvd_mean, b.pair_type_tvd_mean, tol, "pair_type_tvd_mean");
  expect_close(a.bond_mae, b.bond_mae, tol, "bond_mae");
  ASSERT_EQ(a.validity.size(), b.validity.size());
  for (size_t k = 0; k < a.validity.size(); ++k) expect_close(a.validity[k].second, b.validity[k].second, tol, "validity");
  expect_close(a.torsion_jsd_max, b.torsion_jsd_max, tol, "torsion_jsd_max");
  expect_close(a.torsion_jsd_label_free_max, b.torsion_jsd_label_free_max, tol, "torsion_jsd_label_free_max");
  expect_close(a.torsion_w1_labelled_max, b.torsion_w1_labelled_max, tol, "torsion_w1_labelled_max");
  expect_close(a.torsion_w1_label_free_max, b.torsion_w1_label_free_max, tol, "torsion_w1_label_free_max");
  ASSERT_EQ(a.torsions.size(), b.torsions.size());
  for (size_t t = 0; t < a.torsions.size(); ++t) {
    const auto &x = a.torsions[t], &y = b.torsions[t];
    expect_close(x.jsd_labelled, y.jsd_labelled, tol, "jsd_labelled " + x.label);
    expect_close(x.jsd_label_free, y.jsd_label_free, tol, "jsd_label_free " + x.label);
    expect_close(x.w1_labelled, y.w1_labelled, tol, "w1_labelled " + x.label);
    expect_close(x.w1_label_free, y.w1_label_free, tol, "w1_label_free " + x.label);
    for (const bool pooled : {false, true}) {
      const auto &wx = pooled ? x.wells_label_free : x.wells_labelled, &wy = pooled ? y.wells_label_free : y.wells_labelled;
      ASSERT_EQ(wx.size(), wy.size());
      for (size_t k = 0; k < wx.size(); ++k) {
        const std::string what = x.label + (pooled ? " label-free " : " labelled ") + wx[k].name;
        expect_close(wx[k].reference.value, wy[k].reference.value, tol, what + " reference");
        expect_close(wx[k].sample.value, wy[k].sample.value, tol, what + " sample");
        if (standard_errors) {
          expect_close(wx[k].reference.standard_error, wy[k].reference.standard_error, tol, what + " reference SE");
          expect_close(wx[k].sample.standard_error, wy[k].sample.standard_error, tol, what + " sample SE");
          expect_close(wx[k].z, wy[k].z, tol, what + " z");
        }
      }
    }
  }
  if (standard_errors) expect_close(a.well_z_label_free_max, b.well_z_label_free_max, tol, "well_z_label_free_max");
  expect_close(a.energy_mean_reference, b.energy_mean_reference, tol, "energy_mean_reference");
  expect_close(a.energy_mean_sample, b.energy_mean_sample, tol, "energy_mean_sample");
  expect_close(a.energy_std_reference, b.energy_std_reference, tol, "energy_std_reference");
  if (standard_errors) expect_close(a.energy_std_sample, b.energy_std_sample, tol, "energy_std_sample");
  expect_close(a.energy_w1, b.energy_w1, tol, "energy_w1");
}

}  // namespace

TEST(EnsembleWeights, IntegerWeightEqualsAddingThatManyTimes) {
  // The shipped conformations: even frames the reference, odd frames the sample, each added once with
  // an integer weight k in 0..3 against added k times. Mutation: any histogram (all pairs, per type,
  // labelled, pooled or fine torsion) ignoring the weight, bond_means or valid_fraction unweighted,
  // compare() not passing the weights to well_populations, or the energy mean or W1 unweighted.
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  MetricSettings s;
  const auto confs = reference_conformations(t);
  ASSERT_EQ(confs.size(), 1000u);
  EnsembleStats ref(t, s), weighted(t, s), repeated(t, s);
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> pick(0, 3);
  double sum_k = 0, sum_k2 = 0;
  for (size_t i = 0; i < confs.size(); ++i) {
    if (i % 2 == 0) {
      ref.add(confs[i]);
      continue;
    }
    const int k = pick(rng);
    weighted.add(confs[i], k);
    for (int r = 0; r < k; ++r) repeated.add(confs[i]);
    sum_k += k, sum_k2 += k * k;
  }
  const Comparison w = compare(ref, weighted, "weighted"), r = compare(ref, repeated, "repeated");
  expect_same_metrics(w, r, 1e-9, false);
  ASSERT_FALSE(w.torsions.empty());
  EXPECT_GE(w.torsions[0].wells_label_free.size(), 2u);  // the well populations are really tested
  // The energy std differs only by the small-sample correction: n_eff / (n_eff - 1) against N / (N - 1).
  const double ess = weighted.effective_sample_size();
  EXPECT_NEAR(w.energy_std_sample * w.energy_std_sample * (1 - 1 / ess),
              r.energy_std_sample * r.energy_std_sample * (1 - 1 / sum_k), 1e-9);
  EXPECT_NEAR(w.effective_samples, sum_k * sum_k / sum_k2, 1e-9);
  EXPECT_TRUE(w.weighted);
  EXPECT_EQ(r.effective_samples, sum_k);
  EXPECT_FALSE(r.weighted);
  EXPECT_EQ(w.n_sample, 500u);
  EXPECT_EQ(weighted.energy_weights().size(), weighted.energies().size());
}

TEST(EnsembleWeights, UniformWeightsGiveTheUnweightedNumbers) {
  // Every conformation of reference and sample with weight 0.37 against weight 1; the sample clustered
  // as 25 molecules of 20 frames, so both standard-error rules run. Mutation: normalising anything by
  // the number of conformations instead of the total weight (e.g. p = sum w f / n, or the SE divided by
  // n), or the energy std with sum w - 1 as denominator instead of the ESS correction.
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  MetricSettings s;
  auto confs = reference_conformations(t);
  for (size_t i = 1; i < confs.size(); i += 2) confs[i].molecule = static_cast<long>(i / 40);
  EnsembleStats ref(t, s), ref_w(t, s), smp(t, s), smp_w(t, s);
  for (size_t i = 0; i < confs.size(); ++i) {
    (i % 2 ? smp : ref).add(confs[i]);
    (i % 2 ? smp_w : ref_w).add(confs[i], 0.37);
  }
  const Comparison plain = compare(ref, smp, "plain"), w = compare(ref_w, smp_w, "0.37");
  expect_same_metrics(w, plain, 1e-12, true);
  EXPECT_NEAR(w.effective_samples, 500.0, 1e-9);
  EXPECT_EQ(plain.effective_samples, 500.0);
  EXPECT_FALSE(w.weighted);
  double m1, s1, m2, s2;
  mean_and_std(smp.energies(), m1, s1);
  mean_and_std(smp.energies(), std::vector<double>(smp.energies().size(), 1.0), m2, s2);
  EXPECT_EQ(m1, m2);  // unit weights: bit for bit
  EXPECT_EQ(s1, s2);
}

TEST(EnsembleWeights, ZeroTotalWeightIsRefusedByCompare) {
  // Mutation: comparing an ensemble whose weights are all 0 (every metric NaN, find_wells throws later
  // with a message about histograms).
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  EnsembleStats ref(t, MetricSettings{}), zero(t, MetricSettings{});
  for (const auto& c : noisy(t, 10, 0.02, 1)) ref.add(c), zero.add(c, 0.0);
  drift_test::expect_error<std::invalid_argument>([&] { compare(ref, zero, "zero"); }, {"zero", "weights", "all 0"});
}

TEST(EnsembleWeights, ReportShowsTheEffectiveSampleSizeOfWeightedRows) {
  // Mutation: the ESS missing from the Markdown samples cell of a weighted row, shown for an unweighted
  // one, or the JSON fields missing.
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  MetricSettings s;
  EnsembleStats ref(t, s), w(t, s), u(t, s);
  const auto confs = noisy(t, 40, 0.03, 4);
  for (size_t i = 0; i < confs.size(); ++i) {
    ref.add(confs[i]);
    w.add(confs[i], i < 10 ? 3.0 : 1.0);  // ESS = 60^2 / 120 = 30
    u.add(confs[i], 2.0);
  }
  const std::vector<Comparison> rows{compare(ref, w, "weighted"), compare(ref, u, "uniform")};
  const NamedEnsemble named{"ref", &ref};
  const std::string md = comparisons_to_markdown(named, rows, s), json = comparisons_to_json(named, rows, s);
  EXPECT_NE(md.find("| weighted | 40 (ESS 30) |"), std::string::npos) << md;
  EXPECT_NE(md.find("| uniform | 40 |"), std::string::npos) << md;
  EXPECT_NE(json.find("\"effective_samples\": 30.0"), std::string::npos) << json;
  EXPECT_NE(json.find("\"effective_samples\": 40.0"), std::string::npos) << json;
  EXPECT_NE(json.find("\"weighted\": true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"weighted\": false"), std::string::npos) << json;
}

// Fails if W2 integrates |F^-1 difference| instead of its square, or ignores the weights.
TEST(Wasserstein, TwoOfShiftedAndWeightedSamples) {
  // A shift by c: W2 = c. Point masses 0 and 2 at weights (0.75, 0.25) against a mass at 0: sqrt(0.25 * 4) = 1.
  EXPECT_NEAR(wasserstein2({0, 1, 2, 3}, {1, 1, 1, 1}, {0.5, 1.5, 2.5, 3.5}, {1, 1, 1, 1}), 0.5, 1e-12);
  EXPECT_NEAR(wasserstein2({0, 2}, {0.75, 0.25}, {0}, {1}), 1.0, 1e-12);
  EXPECT_NEAR(wasserstein2({0, 2}, {0.5, 0.5}, {0}, {1}), std::sqrt(2.0), 1e-12);  // W1 would be 1
  EXPECT_TRUE(std::isnan(wasserstein2({}, {}, {1}, {1})));
}

// A NaN is refused instead of indexing past the bins (mutation: removing the check reads and
// writes outside counts_, which ASan reports, and this expectation fails).
TEST(Histogram, RefusesNotANumber) {
  drift::Histogram h(0.0, 1.0, 4);
  h.add(0.5);
  EXPECT_THROW(h.add(std::nan("")), std::invalid_argument);
  EXPECT_DOUBLE_EQ(h.probabilities()[3], 1.0);  // the NaN changed nothing
}
