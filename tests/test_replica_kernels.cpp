// Kokkos kernels of the fix, against direct host computations: counter-based noise, uniform
// rotations, Kabsch/Horn alignment, placement, thermal velocities and the validity check (which
// must agree with drift-compare's EnsembleStats).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "drift/counter_rng.hpp"
#include "drift/ensemble_stats.hpp"
#include "drift/replica/replica_kernels.hpp"
#include "drift/topology.hpp"
#include "test_util.hpp"

using namespace drift;
using namespace drift::replica;

namespace {

struct KokkosGuard {
  KokkosGuard() { ensure_kokkos(); }
};

Keys make_keys(int64_t m, int64_t first = 1) {
  Keys keys("keys", m);
  auto h = Kokkos::create_mirror_view(keys);
  for (int64_t k = 0; k < m; ++k) h(k) = first + k;
  Kokkos::deep_copy(keys, h);
  return keys;
}

// Ethanol conformations with noise added to the data file's template.
Coords noisy_ethanol(const Topology& topo, int64_t m, double sd, uint64_t seed) {
  Coords x("x", m, topo.n_atoms, 3);
  auto h = Kokkos::create_mirror_view(x);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0, sd);
  for (int64_t k = 0; k < m; ++k)
    for (int i = 0; i < topo.n_atoms; ++i)
      for (int d = 0; d < 3; ++d) h(k, i, d) = topo.template_positions[3 * i + d] + g(rng);
  Kokkos::deep_copy(x, h);
  return x;
}

double dist(const Coords::HostMirror& x, int64_t m, int i, int j) {
  double s = 0;
  for (int d = 0; d < 3; ++d) s += std::pow(x(m, i, d) - x(m, j, d), 2);
  return std::sqrt(s);
}

}  // namespace

TEST(ReplicaKernels, NoiseIsStandardNormalAndAPureFunctionOfTheKey) {
  KokkosGuard guard;
  const int64_t m = 4000, d = 8;
  Noise z("z", m, d);
  fill_noise(z, make_keys(m), {7, 0, 3});
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), z);
  double s = 0, s2 = 0;
  for (int64_t k = 0; k < m; ++k)
    for (int64_t c = 0; c < d; ++c) {
      s += h(k, c);
      s2 += h(k, c) * h(k, c);
    }
  const double n = m * d;
  EXPECT_NEAR(s / n, 0.0, 4 / std::sqrt(n));
  EXPECT_NEAR(s2 / n, 1.0, 0.03);
  // The same molecule ID gives the same noise wherever it sits in the batch.
  Noise z2("z2", 1, d);
  Keys one("one", 1);
  Kokkos::deep_copy(one, int64_t(1 + 123));
  fill_noise(z2, one, {7, 0, 3});
  auto h2 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), z2);
  for (int64_t c = 0; c < d; ++c) EXPECT_EQ(h2(0, c), h(123, c));
  // Another event, stream or seed gives other numbers.
  for (CounterKey other : {CounterKey{7, 0, 4}, CounterKey{7, 1, 3}, CounterKey{8, 0, 3}}) {
    fill_noise(z2, one, other);
    auto h3 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), z2);
    EXPECT_NE(h3(0, 0), h(123, 0));
  }
}

// The kernels hash a molecule's key once per row (counter_row) and draw normals in Box-Muller
// pairs (row_normals): the numbers must stay those of the documented chain, value for value
// (python/lammps_drift/rng.py, an independent numpy version, gives these), whatever component a
// run of normals starts at. Mutations that fail it: row_uniform hashing `row + component` instead
// of `row ^ component`; counter_row skipping the stream; sin and cos swapped in row_normals (tried:
// fails); row_normals starting an odd first component with the cosine.
TEST(CounterRng, RowHashingAndPairsGiveTheDocumentedChainsValues) {
  const CounterKey key{7, 2, 5};
  EXPECT_DOUBLE_EQ(counter_normal(key, 11, 1003), 1.0888917726635199);
  EXPECT_DOUBLE_EQ(counter_normal(key, 11, 1002), -0.2779403513208857);
  EXPECT_DOUBLE_EQ(counter_uniform(key, 11, 3), 0.7132818996103851);
  const uint64_t row = counter_row(key, 11);
  for (uint64_t first : {0, 1, 999, 1000}) {
    double z[7];
    row_normals(row, first, 7, [&](int64_t k, double v) { z[k] = v; });
    for (int k = 0; k < 7; ++k) EXPECT_EQ(z[k], counter_normal(key, 11, first + k)) << "first " << first << " k " << k;
  }
}

TEST(ReplicaKernels, RandomRotationsAreProperAndUniform) {
  KokkosGuard guard;
  const int64_t m = 20000;
  Rotations r("r", m, 3, 3);
  random_rotations(r, make_keys(m), {1, 0, 0});
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r);
  double mean[3][3] = {};
  for (int64_t k = 0; k < m; ++k) {
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) {
        double dot = 0;
        for (int c = 0; c < 3; ++c) dot += h(k, a, c) * h(k, b, c);
        ASSERT_NEAR(dot, a == b ? 1.0 : 0.0, 1e-12);
        mean[a][b] += h(k, a, b) / m;
      }
    const double det = h(k, 0, 0) * (h(k, 1, 1) * h(k, 2, 2) - h(k, 1, 2) * h(k, 2, 1)) -
                       h(k, 0, 1) * (h(k, 1, 0) * h(k, 2, 2) - h(k, 1, 2) * h(k, 2, 0)) +
                       h(k, 0, 2) * (h(k, 1, 0) * h(k, 2, 1) - h(k, 1, 1) * h(k, 2, 0));
    ASSERT_NEAR(det, 1.0, 1e-12);
  }
  // Haar measure: every matrix element has mean 0 and variance 1/3.
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) EXPECT_NEAR(mean[a][b], 0.0, 4 * std::sqrt(1.0 / 3 / m));
}

TEST(ReplicaKernels, PlacementKeepsShapeAndCentreAndAlignmentRecoversARotation) {
  KokkosGuard guard;
  const auto topo = read_lammps_data(drift_test::ethanol_data());
  const int64_t m = 50;
  const auto mol = make_molecule_views(topo.masses, topo.bonds, {});
  const auto sample = noisy_ethanol(topo, m, 0.05, 3);
  Rotations r("r", m, 3, 3);
  random_rotations(r, make_keys(m), {2, 0, 0});
  Vectors centres("c", m, 3);
  Kokkos::deep_copy(centres, 5.0);
  Coords placed("p", m, topo.n_atoms, 3);
  place(placed, sample, r, centres, mol, 1.0);
  auto hs = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), sample);
  auto hp = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), placed);
  for (int64_t k = 0; k < m; ++k) {
    for (int i = 0; i < topo.n_atoms; ++i)
      for (int j = i + 1; j < topo.n_atoms; ++j) ASSERT_NEAR(dist(hp, k, i, j), dist(hs, k, i, j), 1e-12);
    double c[3] = {0, 0, 0}, mt = 0;
    for (int i = 0; i < topo.n_atoms; ++i) {
      mt += topo.masses[i];
      for (int d = 0; d < 3; ++d) c[d] += topo.masses[i] * hp(k, i, d);
    }
    for (int d = 0; d < 3; ++d) ASSERT_NEAR(c[d] / mt, 5.0, 1e-12);
  }
  // Aligning the sample onto its own rotated placement gives back that placement.
  Rotations back("back", m, 3, 3);
  aligned_rotations(back, sample, placed, mol);
  Coords again("again", m, topo.n_atoms, 3);
  place(again, sample, back, centres, mol, 1.0);
  auto ha = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), again);
  for (int64_t k = 0; k < m; ++k)
    for (int i = 0; i < topo.n_atoms; ++i)
      for (int d = 0; d < 3; ++d) ASSERT_NEAR(ha(k, i, d), hp(k, i, d), 1e-9) << "replica " << k;
  // A unit change scales the shape.
  place(again, sample, r, centres, mol, 0.1);
  Kokkos::deep_copy(ha, again);
  EXPECT_NEAR(dist(ha, 0, 0, 1), 0.1 * dist(hs, 0, 0, 1), 1e-12);
}

TEST(ReplicaKernels, ThermalVelocitiesHaveVarianceKTOverMass) {
  KokkosGuard guard;
  const auto topo = read_lammps_data(drift_test::ethanol_data());
  const auto mol = make_molecule_views(topo.masses, topo.bonds, {});
  const int64_t m = 20000;
  Coords v("v", m, topo.n_atoms, 3);
  thermal_velocities(v, make_keys(m), {3, 0, 0}, mol, 2.5);
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  for (int i : {0, 2, 8}) {
    double s2 = 0;
    for (int64_t k = 0; k < m; ++k) s2 += h(k, i, 0) * h(k, i, 0);
    EXPECT_NEAR(s2 / m * topo.masses[i] / 2.5, 1.0, 0.04) << "atom " << i;
  }
}

TEST(ReplicaKernels, ValidityAgreesWithDriftCompare) {
  KokkosGuard guard;
  const auto topo = read_lammps_data(drift_test::ethanol_data());
  const int64_t m = 2000;
  const auto x = noisy_ethanol(topo, m, 0.08, 5);  // about half are valid at 0.1 A
  std::vector<double> ref;
  for (const auto& b : topo.bonds) {
    double s = 0;
    for (int d = 0; d < 3; ++d) s += std::pow(topo.template_positions[3 * b[0] + d] - topo.template_positions[3 * b[1] + d], 2);
    ref.push_back(std::sqrt(s));
  }
  const auto mol = make_molecule_views(topo.masses, topo.bonds, ref);
  Flags valid("valid", m);
  MetricSettings settings;
  EnsembleStats stats(topo, settings);
  auto hx = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  for (int64_t k = 0; k < m; ++k) {
    Conformation c;
    for (int i = 0; i < topo.n_atoms; ++i)
      for (int d = 0; d < 3; ++d) c.x.push_back(hx(k, i, d));
    stats.add(c);
  }
  for (double tol : {0.1, 0.2}) {
    const int n_valid = check_validity(valid, x, mol, tol, settings.clash_distance);
    EXPECT_GT(n_valid, 0);
    EXPECT_LT(n_valid, m);
    EXPECT_NEAR(static_cast<double>(n_valid) / m, stats.valid_fraction(ref, tol), 1e-9) << "tolerance " << tol;
  }
  // Without reference lengths only clashes count.
  const auto clash_only = make_molecule_views(topo.masses, topo.bonds, {});
  EXPECT_EQ(check_validity(valid, x, clash_only, 0.1, settings.clash_distance), stats.valid_fraction(ref, 1e9) * m);
}

TEST(ReplicaKernels, PairDistancesInRowOrder) {
  KokkosGuard guard;
  const auto topo = read_lammps_data(drift_test::ethanol_data());
  const auto x = noisy_ethanol(topo, 3, 0.1, 9);
  const int n = topo.n_atoms;
  Kokkos::View<double**, Kokkos::LayoutRight, MemSpace> d("d", 3, n * (n - 1) / 2);
  pair_distances(d, x);
  auto hd = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), d);
  auto hx = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  int p = 0;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j, ++p) EXPECT_NEAR(hd(2, p), dist(hx, 2, i, j), 1e-12);
}
