#include "drift/error.hpp"
#include "drift/topology.hpp"
#include "drift/torsions.hpp"
#include "test_util.hpp"

using namespace drift;
using drift_test::TempDir;

TEST(Topology, ReadsEthanolInMd17Order) {
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  ASSERT_EQ(t.n_atoms, 9);
  EXPECT_EQ(t.n_types, 5);
  EXPECT_EQ(t.types, (std::vector<int>{1, 2, 3, 4, 4, 4, 4, 4, 5}));
  EXPECT_EQ(t.elements, (std::vector<std::string>{"C", "C", "O", "H", "H", "H", "H", "H", "H"}));
  ASSERT_EQ(t.bonds.size(), 8u);
  EXPECT_TRUE(t.bonded(0, 1));
  EXPECT_TRUE(t.bonded(2, 8));
  EXPECT_FALSE(t.bonded(1, 8));
  EXPECT_EQ(t.pair_labels(), (std::vector<std::string>{"C-C", "C-O", "C-H", "H-O", "H-H"}));
  EXPECT_NEAR(t.template_positions[3 * 2 + 1], 1.1489, 1e-9);
}

TEST(Topology, FindsTheTwoRotatableTorsionsOfEthanol) {
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  const auto tors = find_rotatable_torsions(t);
  ASSERT_EQ(tors.size(), 2u);
  EXPECT_EQ(tors[0].label, "O3-C1-C2-H6");  // methyl rotor
  EXPECT_EQ(tors[1].label, "C2-C1-O3-H9");  // hydroxyl rotor
}

TEST(Topology, RingBondsAreNotRotatable) {
  TempDir dir;
  // Cyclopropane-like triangle of carbons, each with one H.
  const std::string data = R"(ring
6 atoms
2 atom types
6 bonds
1 bond types
0 10 xlo xhi
0 10 ylo yhi
0 10 zlo zhi

Masses

1 12.011
2 1.008

Atoms # full

1 1 1 0 1 1 1
2 1 1 0 2 1 1
3 1 1 0 1.5 2 1
4 1 2 0 0 0 1
5 1 2 0 3 0 1
6 1 2 0 1.5 3 1

Bonds

1 1 1 2
2 1 2 3
3 1 3 1
4 1 1 4
5 1 2 5
6 1 3 6
)";
  const Topology t = read_lammps_data(dir.write("ring.data", data));
  EXPECT_TRUE(find_rotatable_torsions(t).empty());
}

TEST(Topology, BadDataFilesNameFileAndLine) {
  TempDir dir;
  const std::string good = drift_test::read_text(drift_test::ethanol_data());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return dir.write("bad.data", s);
  };
  drift_test::expect_error<InputError>([&] { read_lammps_data(with("9 atoms", "10 atoms")); }, {"bad.data", "10 atoms"});
  // Header counts are checked before they size anything. Mutation: dropping the check (a negative
  // count throws std::length_error, 10^9 types allocate gigabytes).
  drift_test::expect_error<InputError>([&] { read_lammps_data(with("5 atom types", "-3 atom types")); },
                                       {"bad.data", "-3 atom types; expected 1 to 100000"});
  drift_test::expect_error<InputError>([&] { read_lammps_data(with("5 atom types", "1000000000 atom types")); },
                                       {"bad.data", "1000000000 atom types; expected 1 to 100000"});
  // Silently accepted before. Mutations (tried): without the duplicate check the second atom 2
  // is kept as another atom; without the existence check the bond is dropped; without the style
  // check a 'molecular' line (6 columns) is misread as full.
  drift_test::expect_error<InputError>([&] { read_lammps_data(with("3 1 3 -0.683", "2 1 3 -0.683")); },
                                       {"bad.data:", "atom ID 2 appears twice in the Atoms section"});
  drift_test::expect_error<InputError>([&] { read_lammps_data(with("8 4 3 9", "8 4 3 19")); },
                                       {"bad.data:", "the bond refers to atom 19, which the Atoms section does not have"});
  drift_test::expect_error<InputError>(
      [&] { read_lammps_data(with("Atoms # full\n\n1 1 1  0.145", "Atoms\n\n1 1 1")); },
      {"bad.data:", "no atom style comment", "this line has 6"});
  drift_test::expect_error<InputError>([&] { read_lammps_data(with("3 15.999", "3 abc")); }, {"bad.data:", "Masses"});
  drift_test::expect_error<InputError>([&] { read_lammps_data(with("8 4 3 9", "8 4 3")); }, {"bad.data:", "Bonds"});
  drift_test::expect_error<InputError>([&] { read_lammps_data(with("9 1 5  0.418 -1.9283", "9 1 7  0.418 -1.9283")); },
                                       {"bad.data:", "type 7"});
  drift_test::expect_error<InputError>([&] { read_lammps_data(dir.file("missing.data")); }, {"missing.data", "cannot open"});
}

TEST(Topology, ElementsFromMass) {
  EXPECT_EQ(element_from_mass(12.011, 1), "C");
  EXPECT_EQ(element_from_mass(1.008, 2), "H");
  EXPECT_EQ(element_from_mass(15.9994, 3), "O");
  EXPECT_EQ(element_from_mass(55.0, 4), "X4");
}

TEST(Topology, AtomStyleFromTheAtomsSectionComment) {
  // Masses come before Atoms: the style must be taken when the Atoms section starts.
  TempDir dir;
  std::string s = drift_test::read_text(drift_test::ethanol_data());
  s.replace(s.find("Atoms # full"), 12, "Atoms # molecular");
  // Drop the charge column of each of the 9 atom lines.
  for (const char* q : {" 0.145 ", "-0.180 ", "-0.683 ", " 0.060 ", " 0.060 ", " 0.060 ", " 0.060 ", " 0.060 ", " 0.418 "})
    s.replace(s.find(q, s.find("Atoms # molecular")), std::string(q).size(), " ");
  const Topology t = read_lammps_data(dir.write("molecular.data", s));
  ASSERT_EQ(t.n_atoms, 9);
  EXPECT_NEAR(t.template_positions[3 * 2 + 1], 1.1489, 1e-9);
  s.replace(s.find("Atoms # molecular"), 17, "Atoms # sphere");
  drift_test::expect_error<InputError>([&] { read_lammps_data(dir.write("sphere.data", s)); }, {"sphere.data:", "unsupported atom style 'sphere'"});
}
