// Backbone (phi, psi) from the bond graph, the Ramachandran basins and the torus Wasserstein-2.
#include <cmath>
#include <initializer_list>
#include <utility>

#include "drift/backbone.hpp"
#include "drift/topology.hpp"
#include "test_util.hpp"

using namespace drift;

// Fails if the pairs are not found from the bond graph (e.g. fixed indices, or none at all).
TEST(Backbone, AlanineDipeptideHasOnePhiPsiPairAndEthanolNone) {
  const Topology ala = read_lammps_data(drift_test::source_path("examples/alanine-dipeptide/alanine-dipeptide.data"));
  const auto pairs = find_ramachandran_pairs(ala);
  ASSERT_EQ(pairs.size(), 1u);
  // ACE C' (5), ALA N (7), CA (9), C' (15), NME N (17); 1-based as pdb2gmx numbers them.
  EXPECT_EQ(pairs[0].phi, (std::array<int, 4>{4, 6, 8, 14}));
  EXPECT_EQ(pairs[0].psi, (std::array<int, 4>{6, 8, 14, 16}));
  EXPECT_EQ(pairs[0].label, "C9 phi C5-N7-C9-C15 / psi N7-C9-C15-N17");
  EXPECT_TRUE(find_ramachandran_pairs(read_lammps_data(drift_test::ethanol_data())).empty());
}

// An ether carbon between an alpha carbon and an amide N is not a C': no (phi, psi) pair. Fails if
// C' is any carbon next to CA, or any carbon with an oxygen (alanine dipeptide alone cannot tell).
TEST(Backbone, AnEtherCarbonIsNoCarbonyl) {
  Topology t;
  t.n_atoms = 11;
  t.elements = {"C", "C", "O", "N", "C", "C", "O", "C", "N", "C", "O"};
  t.types.assign(11, 1);
  t.masses.assign(11, 12.0);
  t.bonds = {{0, 1}, {1, 2}, {1, 3}, {3, 4}, {4, 5}, {5, 6}, {6, 7}, {5, 8}, {8, 9}, {9, 10}};
  EXPECT_TRUE(find_ramachandran_pairs(t).empty());
  t.bonds.erase(t.bonds.begin() + 6);  // detach the ether methyl: O7 has one neighbour, C6 becomes a carbonyl
  EXPECT_EQ(find_ramachandran_pairs(t).size(), 1u);
}

// Fails if a basin boundary moves.
TEST(Backbone, BasinsPartitionThePlane) {
  EXPECT_STREQ(ramachandran_basin_name(ramachandran_basin(-150, 160)), "C5 (beta)");
  EXPECT_STREQ(ramachandran_basin_name(ramachandran_basin(-80, 75)), "C7eq");
  EXPECT_STREQ(ramachandran_basin_name(ramachandran_basin(-80, -170)), "C7eq");
  EXPECT_STREQ(ramachandran_basin_name(ramachandran_basin(-70, -40)), "alphaR");
  EXPECT_STREQ(ramachandran_basin_name(ramachandran_basin(70, -60)), "alphaL/C7ax");
  EXPECT_STREQ(ramachandran_basin_name(ramachandran_basin(-120, 50)), "C7eq");
  EXPECT_STREQ(ramachandran_basin_name(ramachandran_basin(-120.01, 49.99)), "alphaR");
}

#include "drift/torus_transport.hpp"

namespace {
// A bins x bins histogram with unit masses at the bins of the given (phi, psi) points (radians).
Histogram torus_histogram(std::initializer_list<std::pair<double, double>> points, int bins) {
  Histogram h(0.0, static_cast<double>(bins * bins), bins * bins);
  auto bin = [&](double a) { return static_cast<int>(std::floor((a + M_PI) / (2 * M_PI) * bins)); };
  for (const auto& [phi, psi] : points) h.add(bin(phi) * bins + bin(psi) + 0.5);
  return h;
}
}  // namespace

// Fails if the distance is not periodic (the wrapped pair would cost 6 rad), if the plan's cost is
// not the squared distance, or if the mass is not split as the histograms say.
TEST(TorusTransport, KnownDistances) {
  const int bins = 36;
  const double w = 2 * M_PI / bins;
  auto centre = [&](int k) { return -M_PI + (k + 0.5) * w; };
  const auto a = torus_histogram({{centre(18), centre(18)}}, bins);
  const auto b = torus_histogram({{centre(21), centre(20)}}, bins);  // 3 and 2 bins away
  EXPECT_NEAR(torus_wasserstein2(a, b, bins), std::sqrt(9 + 4) * w, 0.01);
  EXPECT_NEAR(torus_wasserstein2(a, a, bins), 0.0, 0.01);
  const auto edge_a = torus_histogram({{centre(0), centre(18)}}, bins), edge_b = torus_histogram({{centre(35), centre(18)}}, bins);
  EXPECT_NEAR(torus_wasserstein2(edge_a, edge_b, bins), w, 0.01);  // across the seam: one bin
  // Half the mass moved by 4 bins: W2 = sqrt(0.5 * 16) bins.
  const auto half = torus_histogram({{centre(18), centre(18)}, {centre(22), centre(18)}}, bins);
  EXPECT_NEAR(torus_wasserstein2(a, half, bins), std::sqrt(0.5 * 16) * w, 0.01);
}

// Fails if the shipped alanine dipeptide is the D enantiomer: L has (N - CA) . ((C' - CA) x (CB - CA)) > 0,
// as tleap's and every Boltzmann-generator benchmark's alanine dipeptide.
TEST(Backbone, ShippedAlanineDipeptideIsTheLEnantiomer) {
  const Topology ala = read_lammps_data(drift_test::source_path("examples/alanine-dipeptide/alanine-dipeptide.data"));
  const auto& x = ala.template_positions;
  auto v = [&](int i, int k) { return x[3 * i + k] - x[3 * 8 + k]; };  // relative to CA (atom 9)
  const int n = 6, c = 14, cb = 10;  // N7, C15, CB11
  const double cross[3] = {v(c, 1) * v(cb, 2) - v(c, 2) * v(cb, 1), v(c, 2) * v(cb, 0) - v(c, 0) * v(cb, 2),
                           v(c, 0) * v(cb, 1) - v(c, 1) * v(cb, 0)};
  const double volume = v(n, 0) * cross[0] + v(n, 1) * cross[1] + v(n, 2) * cross[2];
  EXPECT_GT(volume, 1.0);
  EXPECT_EQ(ala.elements[10], "C");
}
