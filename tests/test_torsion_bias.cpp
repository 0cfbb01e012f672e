// The torsion bias of a biased reference MD (drift-bias): its energy, the header that carries it from
// the LAMMPS file it is applied by to the reweighting, and the restraint text for the copies.
#include <cmath>
#include <string>

#include "drift/backbone.hpp"
#include "drift/error.hpp"
#include "drift/geometry.hpp"
#include "drift/topology.hpp"
#include "drift/torsion_bias.hpp"
#include "test_util.hpp"

using namespace drift;
using drift_test::TempDir;

namespace {
Topology alanine() { return read_lammps_data(drift_test::source_path("examples/alanine-dipeptide/alanine-dipeptide.data")); }
}  // namespace

// V on a chain whose IUPAC dihedral is t by construction (a on +x, d turned by t about the b-c axis).
// Fails if the sign of phi flips (the odd n = 1 term with delta = 30 then differs), if the phase
// enters as n (phi - delta) instead of n phi - delta, or if a term's 1 + is dropped.
TEST(TorsionBias, EnergyIsTheFourierSumOverTheIupacDihedral) {
  TorsionBias bias;
  bias.atoms = {0, 1, 2, 3};
  bias.terms = {{1.5, 1, 30.0}, {0.7, 2, -100.0}, {0.2, 3, 45.0}};
  for (double t : {-150.0, -60.0, 0.0, 40.0, 120.0}) {
    const double r = t * M_PI / 180;
    const std::vector<double> x{1, 0, 0, 0, 0, 0, 0, 0, 1, std::cos(r), std::sin(r), 1};
    ASSERT_NEAR(dihedral_degrees(x, 0, 1, 2, 3), t, 1e-9);
    double want = 0;
    want += 1.5 * (1 + std::cos((t - 30.0) * M_PI / 180));
    want += 0.7 * (1 + std::cos((2 * t + 100.0) * M_PI / 180));
    want += 0.2 * (1 + std::cos((3 * t - 45.0) * M_PI / 180));
    EXPECT_NEAR(bias.energy(x), want, 1e-12) << "t = " << t;
  }
}

// drift-bias restrain writes the header that drift-bias reweight reads: the same atoms and terms.
// Fails if either side changes the header's layout, numbers atoms from 0, or rounds the terms.
TEST(TorsionBias, TheRestraintFileCarriesTheBiasToTheReweighting) {
  const auto topo = alanine();
  TorsionBias bias;
  bias.atoms = parse_bias_torsion(topo, "phi");
  EXPECT_EQ(bias.atoms, find_ramachandran_pairs(topo)[0].phi);
  bias.terms = {parse_bias_term("2.642:1:-101.4"), parse_bias_term("2.175:2:125.3")};
  TempDir dir;
  const auto path = dir.write("bias.lmp", lammps_torsion_restraint(bias, topo, 3));
  const auto back = read_torsion_bias(path, topo);
  EXPECT_EQ(back.atoms, bias.atoms);
  ASSERT_EQ(back.terms.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_DOUBLE_EQ(back.terms[k].k, bias.terms[k].k);
    EXPECT_EQ(back.terms[k].n, bias.terms[k].n);
    EXPECT_DOUBLE_EQ(back.terms[k].delta, bias.terms[k].delta);
  }
  // Explicit atom IDs name the same torsion.
  EXPECT_EQ(parse_bias_torsion(topo, "5,7,9,15"), bias.atoms);
}

// Copy k's atoms are a + 22 k (as replicate numbers them), one restraint per copy and term, and the
// check expects copies x V at the data file's structure. Fails if copies are offset by the wrong
// stride, a term is dropped, or the expected start energy is that of one copy.
TEST(TorsionBias, RestraintCoversEveryCopyAndChecksTheStartEnergy) {
  const auto topo = alanine();
  TorsionBias bias;
  bias.atoms = parse_bias_torsion(topo, "phi");
  bias.terms = {{1.0, 1, -80.0}, {0.5, 3, 0.0}};
  const std::string text = lammps_torsion_restraint(bias, topo, 4);
  size_t count = 0;
  for (size_t at = text.find("  dihedral "); at != std::string::npos; at = text.find("  dihedral ", at + 1)) ++count;
  EXPECT_EQ(count, 8u);
  EXPECT_NE(text.find("dihedral 71 73 75 81 1 1 -80 mult 1"), std::string::npos) << text;  // copy 3
  EXPECT_NE(text.find("dihedral 71 73 75 81 0.5 0.5 0 mult 3"), std::string::npos) << text;
  const double v0 = bias.energy(topo.template_positions);
  char want[64];
  std::snprintf(want, sizeof want, "drift_bias_expected equal %.10g\n", 4 * v0);
  EXPECT_NE(text.find(want), std::string::npos) << text;
  EXPECT_NE(text.find("quit 1"), std::string::npos);
}

// Each bad input names what is wrong (and the file and line for the header). Fails if a reader
// accepts any of them.
TEST(TorsionBias, BadInputIsRefusedWithItsReason) {
  const auto topo = alanine();
  const auto ethanol = read_lammps_data(drift_test::ethanol_data());
  drift_test::expect_error<std::runtime_error>([&] { parse_bias_torsion(ethanol, "phi"); }, {"0 backbone residues", "a,b,c,d"});
  drift_test::expect_error<std::runtime_error>([&] { parse_bias_torsion(topo, "5,7,9"); }, {"four atom IDs"});
  drift_test::expect_error<std::runtime_error>([&] { parse_bias_torsion(topo, "5,7,9,99"); }, {"atom 99", "1..22"});
  drift_test::expect_error<std::runtime_error>([&] { parse_bias_torsion(topo, "1,7,9,15"); }, {"atoms 1 and 7", "not bonded"});
  drift_test::expect_error<std::runtime_error>([&] { parse_bias_term("1.5:1"); }, {"K:n:delta"});
  drift_test::expect_error<std::runtime_error>([&] { parse_bias_term("1.5:0:10"); }, {"multiplicity"});
  drift_test::expect_error<std::runtime_error>([&] { parse_bias_term("x:1:10"); }, {"K:n:delta"});
  TempDir dir;
  const auto none = dir.write("none.lmp", "fix b all restrain dihedral 5 7 9 15 1 1 0\n");
  drift_test::expect_error<InputError>([&] { read_torsion_bias(none, topo); }, {none, "no '# drift-bias torsion"});
  const auto bad_term = dir.write("term.lmp", "# hello\n# drift-bias torsion 5 7 9 15 term 1 0 3\n");
  drift_test::expect_error<InputError>([&] { read_torsion_bias(bad_term, topo); }, {bad_term + ":2", "malformed term"});
  const auto far = dir.write("far.lmp", "# drift-bias torsion 5 7 9 150 term 1 1 3\n");
  drift_test::expect_error<InputError>([&] { read_torsion_bias(far, topo); }, {far + ":1", "'150'"});
  const auto unbonded = dir.write("chain.lmp", "# drift-bias torsion 1 7 9 15 term 1 1 3\n");
  drift_test::expect_error<InputError>([&] { read_torsion_bias(unbonded, topo); }, {unbonded + ":1", "not bonded"});
}
