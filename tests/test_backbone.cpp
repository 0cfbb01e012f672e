// Backbone (phi, psi) from the bond graph and the Ramachandran basins.
#include "drift/backbone.hpp"
#include "drift/topology.hpp"
#include "test_util.hpp"

using namespace drift;

// Fails if the alpha carbon, the amide N or the carbonyl C' are found by another rule (e.g. any
// carbon next to a nitrogen: the methyl carbons of the caps would then count).
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
