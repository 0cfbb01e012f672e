// Equivalent atoms, label-free torsions, circular distances and well populations.
#include <cmath>
#include <random>
#include <sstream>

#include "drift/comparison.hpp"
#include "drift/conformation_source.hpp"
#include "drift/ensemble_stats.hpp"
#include "drift/equivalence.hpp"
#include "drift/histogram.hpp"
#include "drift/topology.hpp"
#include "drift/torsion_wells.hpp"
#include "drift/torsions.hpp"
#include "test_util.hpp"

using namespace drift;
using drift_test::TempDir;

namespace {

std::string butane_data() { return drift_test::source_path("examples/butane/butane.data"); }

// A data file of one molecule: every atom of type 1 (carbon), the given bonds (0-based pairs).
std::string graph_data(int n, const std::vector<std::array<int, 2>>& edges) {
  std::ostringstream s;
  s << "graph\n\n" << n << " atoms\n1 atom types\n" << edges.size() << " bonds\n1 bond types\n\n0 50 xlo xhi\n0 50 ylo yhi\n"
    << "0 50 zlo zhi\n\nMasses\n\n1 12.011\n\nAtoms # full\n\n";
  for (int i = 0; i < n; ++i) s << i + 1 << " 1 1 0.0 " << 2.0 * i << " " << (i % 3) << " 0\n";
  s << "\nBonds\n\n";
  for (size_t k = 0; k < edges.size(); ++k) s << k + 1 << " 1 " << edges[k][0] + 1 << " " << edges[k][1] + 1 << "\n";
  return s.str();
}

}  // namespace

TEST(EquivalentAtoms, EthanolMethylAndMethyleneHydrogens) {
  const auto eq = find_equivalent_atoms(read_lammps_data(drift_test::ethanol_data()));
  EXPECT_TRUE(eq.exact);
  EXPECT_EQ(eq.classes, (std::vector<std::vector<int>>{{0}, {1}, {2}, {3, 4}, {5, 6, 7}, {8}}));
}

TEST(EquivalentAtoms, ButaneTwoMethylGroupsAreOneClass) {
  // Both methyl carbons, both methylene carbons, all six methyl H and all four methylene H.
  const auto eq = find_equivalent_atoms(read_lammps_data(butane_data()));
  EXPECT_TRUE(eq.exact);
  EXPECT_EQ(eq.classes, (std::vector<std::vector<int>>{{0, 3}, {1, 2}, {4, 5, 6, 11, 12, 13}, {7, 8, 9, 10}}));
}

TEST(EquivalentAtoms, ColourRefinementAloneIsNotEnough) {
  // The Frucht graph: 3-regular, so colour refinement gives every atom one colour, yet its only
  // automorphism is the identity. Mutation: trusting the refinement without constructing the
  // permutation makes all 12 atoms one class.
  const int lcf[12] = {-5, -2, -4, 2, 5, -2, 2, 5, -2, -5, 4, 2};
  std::vector<std::array<int, 2>> edges;
  for (int i = 0; i < 12; ++i) {
    edges.push_back({i, (i + 1) % 12});
    const int j = ((i + lcf[i]) % 12 + 12) % 12;
    if (i < j) edges.push_back({i, j});
  }
  ASSERT_EQ(edges.size(), 18u);
  TempDir dir;
  const auto eq = find_equivalent_atoms(read_lammps_data(dir.write("frucht.data", graph_data(12, edges))));
  EXPECT_TRUE(eq.exact);
  EXPECT_EQ(eq.classes.size(), 12u);
  // A 6-ring of one type: every atom equivalent (the permutations are rotations and reflections).
  std::vector<std::array<int, 2>> ring;
  for (int i = 0; i < 6; ++i) ring.push_back({i, (i + 1) % 6});
  EXPECT_EQ(find_equivalent_atoms(read_lammps_data(dir.write("ring.data", graph_data(6, ring)))).classes.size(), 1u);
}

TEST(Torsions, EthanolLabelFreeTorsionsPoolTheMethylHydrogens) {
  const auto tors = find_rotatable_torsions(read_lammps_data(drift_test::ethanol_data()));
  ASSERT_EQ(tors.size(), 2u);
  EXPECT_EQ(tors[0].pooled_label, "O3-C1-C2-H[6,7,8]");
  EXPECT_EQ(tors[0].pooled, (std::vector<std::array<int, 2>>{{2, 5}, {2, 6}, {2, 7}}));
  EXPECT_EQ(tors[0].symmetry, 3);
  EXPECT_EQ(tors[1].pooled_label, "C2-C1-O3-H9");
  EXPECT_EQ(tors[1].pooled.size(), 1u);
  EXPECT_EQ(tors[1].symmetry, 1);
}

TEST(Torsions, ButaneBackboneAndTwoMethylRotors) {
  const auto tors = find_rotatable_torsions(read_lammps_data(butane_data()));
  ASSERT_EQ(tors.size(), 3u);
  EXPECT_EQ(tors[0].pooled_label, "H[5,6,7]-C1-C2-C3");
  EXPECT_EQ(tors[0].symmetry, 3);
  EXPECT_EQ(tors[1].label, "C1-C2-C3-C4");
  EXPECT_EQ(tors[1].pooled_label, "C1-C2-C3-C4");  // the backbone torsion has unique end atoms
  EXPECT_EQ(tors[1].symmetry, 1);
  EXPECT_EQ(tors[2].pooled_label, "C2-C3-C4-H[12,13,14]");
  EXPECT_EQ(tors[2].symmetry, 3);
}

TEST(CircularWasserstein, ShortestWayRoundTheCircle) {
  Histogram a(-180, 180, 360), b(-180, 180, 360), u(-180, 180, 360);
  a.add(-169.5);
  b.add(169.5);
  EXPECT_NEAR(circular_wasserstein1(a, b), 21.0, 1e-9);  // across +-180, not 339 degrees the long way
  for (int k = 0; k < 360; ++k) u.add(-179.5 + k);
  EXPECT_NEAR(circular_wasserstein1(a, u), 90.0, 0.01);  // mean distance of a point to the uniform circle
  EXPECT_NEAR(circular_wasserstein1(u, u), 0.0, 1e-12);
}

TEST(TorsionWells, ThreeWellsAndClusteredStandardErrors) {
  // Three von Mises-like wells at -60, 60, 180 with populations 0.2, 0.3, 0.5.
  std::mt19937_64 rng(3);
  std::normal_distribution<double> g(0, 15);
  std::discrete_distribution<int> pick({0.2, 0.3, 0.5});
  const double centre[3] = {-60, 60, 180};
  Histogram h(-180, 180, 36);
  std::vector<float> angles;
  std::vector<long> independent, clustered;
  for (int k = 0; k < 20000; ++k) {
    double a = centre[pick(rng)] + g(rng);
    a = std::remainder(a, 360.0);
    if (a >= 180) a -= 360;
    h.add(a);
    angles.push_back(static_cast<float>(a));
    independent.push_back(1);
  }
  const auto wells = find_wells(h);
  ASSERT_EQ(wells.size(), 3u);
  EXPECT_NEAR(wells.peak[0], -55, 10);
  EXPECT_NEAR(wells.peak[1], 55, 10);
  const auto pops = well_populations(angles, 1, independent, wells);
  const double exact[3] = {0.2, 0.3, 0.5};
  for (int w = 0; w < 3; ++w) {
    EXPECT_NEAR(pops[w].value, exact[w], 3 * pops[w].standard_error) << w;
    EXPECT_NEAR(pops[w].standard_error, std::sqrt(exact[w] * (1 - exact[w]) / 20000), 2e-4) << w;
  }
  // Every angle repeated 10 times as frames of one molecule: 10x the samples, the same information.
  // Mutation: ignoring the clusters shrinks the standard error by sqrt(10).
  std::vector<float> repeated;
  for (size_t k = 0; k < angles.size(); ++k)
    for (int r = 0; r < 10; ++r) repeated.push_back(angles[k]), clustered.push_back(static_cast<long>(k));
  const auto rp = well_populations(repeated, 1, clustered, wells);
  for (int w = 0; w < 3; ++w) EXPECT_NEAR(rp[w].standard_error / pops[w].standard_error, 1.0, 0.02) << w;
}

TEST(TorsionWells, WeightedPopulationsOfTwoIndependentConformations) {
  // Two conformations, each its own cluster, in different wells with weights 1 and 3. Mutation:
  // ignoring the weights gives 0.5 / 0.5; the SE with w_c instead of w_c^2, or divided by n instead of
  // sum w, misses 0.375 = sqrt(2 * (1 * 0.75^2 + 9 * 0.25^2) / 16).
  TorsionWells wells;
  wells.lower = {-90, 90};  // [-90, 90) and [90, -90) through 180
  wells.peak = {0, 180};
  const std::vector<float> angles{10.0f, -170.0f};
  const std::vector<long> clusters{1, 2};
  const std::vector<double> weights{1.0, 3.0};
  const auto p = well_populations(angles, 1, clusters, wells, &weights);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_DOUBLE_EQ(p[0].value, 0.25);
  EXPECT_DOUBLE_EQ(p[1].value, 0.75);
  EXPECT_DOUBLE_EQ(p[0].standard_error, 0.375);
  EXPECT_DOUBLE_EQ(p[1].standard_error, 0.375);
  // Pooled angles share their conformation's weight: 3 angles of weight 3 split 2:1 plus one of weight 1.
  const std::vector<float> pooled{10.0f, 20.0f, 30.0f, 10.0f, 20.0f, 170.0f};
  const auto q = well_populations(pooled, 3, clusters, wells, &weights);
  EXPECT_DOUBLE_EQ(q[0].value, (1.0 + 3.0 * 2.0 / 3.0) / 4.0);
  const std::vector<double> bad{1.0, -1.0}, short_weights{1.0};
  drift_test::expect_error<std::invalid_argument>([&] { well_populations(angles, 1, clusters, wells, &bad); }, {">= 0"});
  drift_test::expect_error<std::invalid_argument>([&] { well_populations(angles, 1, clusters, wells, &short_weights); },
                                                  {"one weight per conformation"});
}

TEST(TorsionWells, UnitWeightsReproduceTheUnweightedFormulaAndClusterWeightsEqualRepeats) {
  // Mutation: a weighted formula that does not reduce to var * G / (G - 1) / n^2 for unit weights (e.g.
  // the SE divided by sum w^2, or the clustered sum of w_c (f_c - p) taken per conformation); in the
  // clustered rule a conformation of weight k is the same as k copies of it in its cluster, standard
  // error included.
  std::mt19937_64 rng(8);
  std::normal_distribution<double> g(0, 25);
  std::discrete_distribution<int> pick({0.2, 0.3, 0.5});
  std::uniform_int_distribution<int> copies(0, 3);
  const double centre[3] = {-60, 60, 180};
  TorsionWells wells;
  wells.lower = {-120, 0, 120};
  wells.peak = {-60, 60, 180};
  std::vector<float> angles, repeated;
  std::vector<long> independent, clustered, clustered_repeated;
  std::vector<double> ones, k;
  for (int c = 0; c < 3000; ++c) {
    for (int r = 0; r < 2; ++r) {  // two pooled angles per conformation
      const double a = std::remainder(centre[pick(rng)] + g(rng), 360.0);
      angles.push_back(static_cast<float>(a >= 180 ? a - 360 : a));
    }
    independent.push_back(c);
    clustered.push_back(c / 30);
    ones.push_back(1.0);
    k.push_back(copies(rng));
    for (int r = 0; r < k.back(); ++r) {
      repeated.insert(repeated.end(), angles.end() - 2, angles.end());
      clustered_repeated.push_back(c / 30);
    }
  }
  for (const auto* clusters : {&independent, &clustered}) {
    const auto plain = well_populations(angles, 2, *clusters, wells);
    const auto unit = well_populations(angles, 2, *clusters, wells, &ones);
    for (int w = 0; w < 3; ++w) {
      EXPECT_EQ(unit[w].value, plain[w].value) << w;
      EXPECT_EQ(unit[w].standard_error, plain[w].standard_error) << w;
      EXPECT_GT(plain[w].standard_error, 0.0) << w;
    }
  }
  const auto weighted = well_populations(angles, 2, clustered, wells, &k);
  const auto copied = well_populations(repeated, 2, clustered_repeated, wells);
  for (int w = 0; w < 3; ++w) {
    EXPECT_NEAR(weighted[w].value, copied[w].value, 1e-12) << w;
    EXPECT_NEAR(weighted[w].standard_error, copied[w].standard_error, 1e-12) << w;
  }
}

TEST(TorsionMetrics, PermutedEquivalentAtomsScoreZeroLabelFree) {
  // The shipped reference conformations, and the same conformations with the three methyl H
  // relabelled (cyclically, so handedness is kept) such that H6 is always the one anti to O3: what a
  // generator that never lets the identical hydrogens trade places would draw. Physically the same
  // ensemble: label-free metrics see no difference, labelled ones see one well instead of three.
  // Mutation: pooling only the labelled end pair makes the label-free JSD the labelled one (> 0.3).
  const Topology topo = read_lammps_data(drift_test::ethanol_data());
  MetricSettings settings;
  EnsembleStats ref(topo, settings), permuted(topo, settings);
  ConformationSource src(drift_test::source_path("potentials/ethanol-reference-500K.xyz"), topo);
  const auto methyl = find_rotatable_torsions(topo)[0];
  Conformation c;
  while (src.next(c)) {
    ref.add(c);
    const auto angles = pooled_dihedrals(c.x, methyl);  // H6, H7, H8 (atoms 5, 6, 7)
    int anti = 0;
    for (int k = 1; k < 3; ++k)
      if (std::fabs(angles[k]) > std::fabs(angles[anti])) anti = k;
    Conformation p = c;
    for (int k = 0; k < 3; ++k)
      for (int d = 0; d < 3; ++d) p.x[3 * (5 + (k + 3 - anti) % 3) + d] = c.x[3 * (5 + k) + d];
    permuted.add(p);
  }
  const auto cmp = compare(ref, permuted, "permuted");
  ASSERT_EQ(cmp.torsions.size(), 2u);
  EXPECT_NEAR(cmp.torsions[0].jsd_label_free, 0.0, 1e-12);
  EXPECT_NEAR(cmp.torsions[0].w1_label_free, 0.0, 1e-9);
  EXPECT_GT(cmp.torsions[0].jsd_labelled, 0.3);
  EXPECT_GT(cmp.torsions[0].w1_labelled, 50.0);
  ASSERT_EQ(cmp.torsions[0].wells_label_free.size(), 3u);  // staggered positions of the methyl H
  for (const auto& w : cmp.torsions[0].wells_label_free) EXPECT_NEAR(w.z, 0.0, 1e-9);
  ASSERT_EQ(cmp.torsions[0].wells_labelled.size(), 3u);
  double anti_population = 0;
  for (const auto& w : cmp.torsions[0].wells_labelled)
    if (std::fabs(w.peak) > 150) anti_population = w.sample.value;
  EXPECT_NEAR(anti_population, 1.0, 0.02);
  EXPECT_NEAR(cmp.torsions[1].jsd_label_free, 0.0, 1e-12);  // the hydroxyl rotor is untouched
  EXPECT_NEAR(cmp.torsions[1].jsd_labelled, 0.0, 1e-12);
}
