#include <sstream>

#include "drift/conformation_source.hpp"
#include "drift/error.hpp"
#include "drift/extxyz.hpp"
#include "drift/topology.hpp"
#include "test_util.hpp"

using namespace drift;
using drift_test::expect_error;
using drift_test::TempDir;

namespace {
XyzFrame ethanol_frame(double energy, bool forces) {
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  XyzFrame f;
  f.species = t.elements;
  f.x = t.template_positions;
  if (forces)
    for (int k = 0; k < 27; ++k) f.f.push_back(0.25 * k - 3);
  f.energy = energy;
  f.has_energy = true;
  f.units = "real";
  return f;
}
std::string text(const std::vector<XyzFrame>& frames) {
  std::ostringstream o;
  for (const auto& f : frames) write_extxyz_frame(o, f);
  return o.str();
}
}  // namespace

TEST(Extxyz, ParsesAseCommentLines) {
  auto kv = parse_extxyz_comment(R"(Lattice="10 0 0 0 10 0 0 0 10" Properties=species:S:1:pos:R:3:forces:R:3 energy=-1.5 pbc="T T T" flag)");
  EXPECT_EQ(kv["Lattice"], "10 0 0 0 10 0 0 0 10");
  EXPECT_EQ(kv["Properties"], "species:S:1:pos:R:3:forces:R:3");
  EXPECT_EQ(kv["energy"], "-1.5");
  EXPECT_EQ(kv["pbc"], "T T T");
  EXPECT_EQ(kv["flag"], "T");
}

// Energies and forces go under lammps_* keys with their unit style, never under ASE's energy= and
// forces (which ASE reads as eV). Mutations that fail it: the writer using energy= or a forces
// column, dropping lammps_units, or writing energies without a unit style.
TEST(Extxyz, WritesLammpsUnitsUnderTheirOwnKeys) {
  const std::string t = text({ethanol_frame(11.5, true)});
  const std::string header = t.substr(t.find('\n') + 1, t.find('\n', t.find('\n') + 1) - t.find('\n') - 1);
  EXPECT_EQ(header, R"(Properties=species:S:1:pos:R:3:lammps_forces:R:3 lammps_energy=11.5 lammps_units=real pbc="F F F")");
  XyzFrame metal = ethanol_frame(2, false);
  metal.units = "metal";
  EXPECT_NE(text({metal}).find(" lammps_energy=2 lammps_units=metal "), std::string::npos);
  XyzFrame unitless = ethanol_frame(2, false);
  unitless.units.clear();
  expect_error<std::invalid_argument>([&] { text({unitless}); }, {"without their LAMMPS unit style"});
  XyzFrame positions_only = ethanol_frame(2, false);
  positions_only.has_energy = false;
  positions_only.units.clear();
  EXPECT_EQ(text({positions_only}).find("lammps_units"), std::string::npos);
}

// The reader takes both spellings (ASE's and this project's older files: energy=, forces) and the
// unit style; contradictions are errors. Mutations that fail it: ignoring lammps_energy or the
// lammps_forces column, accepting an unknown unit style, or letting one of two energies win.
TEST(Extxyz, ReadsLammpsAndAseKeysAndTheUnitStyle) {
  TempDir dir;
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  std::string legacy = text({ethanol_frame(-2.25, true)});
  legacy.replace(legacy.find("lammps_forces"), 13, "forces");
  legacy.replace(legacy.find("lammps_energy"), 13, "energy");
  legacy.replace(legacy.find(" lammps_units=real"), 18, "");
  for (const auto& [name, content] : {std::pair<std::string, std::string>{"new.xyz", text({ethanol_frame(-2.25, true)})},
                                      {"legacy.xyz", legacy}}) {
    ExtxyzReader reader(dir.write(name, content));
    XyzFrame f;
    ASSERT_TRUE(reader.next(f)) << name;
    EXPECT_TRUE(f.has_energy) << name;
    EXPECT_DOUBLE_EQ(f.energy, -2.25) << name;
    ASSERT_EQ(f.f.size(), 27u) << name;
    EXPECT_DOUBLE_EQ(f.f[26], 0.25 * 26 - 3) << name;
    EXPECT_EQ(f.units, name == "new.xyz" ? "real" : "") << name;
    ConformationSource src(dir.path() + "/" + name, t);
    Conformation c;
    ASSERT_TRUE(src.next(c));
    EXPECT_EQ(src.units(), name == "new.xyz" ? "real" : "");
  }
  auto read_all = [&](const std::string& path) {
    ConformationSource src(path, t);
    Conformation c;
    while (src.next(c)) {
    }
  };
  std::string bad_units = text({ethanol_frame(1, false)});
  bad_units.replace(bad_units.find("=real"), 5, "=kcal");
  expect_error<InputError>([&] { read_all(dir.write("u.xyz", bad_units)); }, {"u.xyz:2", "lammps_units=", "'kcal'"});
  std::string two_energies = text({ethanol_frame(1, false)});
  two_energies.replace(two_energies.find(" pbc"), 0, " energy=3");
  expect_error<InputError>([&] { read_all(dir.write("e.xyz", two_energies)); }, {"e.xyz:2", "both energy= and lammps_energy="});
  std::string two_forces = text({ethanol_frame(1, true)});
  two_forces.replace(two_forces.find(":lammps_forces:R:3"), 0, ":forces:R:3");
  expect_error<InputError>([&] { read_all(dir.write("f.xyz", two_forces)); }, {"f.xyz:2", "forces twice"});
  std::string mixed = text({ethanol_frame(1, false), ethanol_frame(2, false)});
  mixed.replace(mixed.rfind("=real"), 5, "=metal");
  ConformationSource src(dir.write("mixed.xyz", mixed), t);
  Conformation c;
  ASSERT_TRUE(src.next(c));
  expect_error<InputError>([&] { src.next(c); }, {"mixed.xyz", "frame 2", "lammps_units=metal, but real was expected"});
  // A reader that works in metal units refuses a file in real ones (drift-frames and drift-bias pass
  // their --units). Mutation that fails it: the expected style ignored until a frame has declared one.
  ConformationSource metal(dir.path() + "/new.xyz", t, "metal");
  expect_error<InputError>([&] { metal.next(c); }, {"new.xyz", "frame 1", "lammps_units=real, but metal was expected"});
  ConformationSource legacy_in_metal(dir.path() + "/legacy.xyz", t, "metal");
  EXPECT_TRUE(legacy_in_metal.next(c));  // a file that does not say is taken in the reader's units
}

TEST(Extxyz, RoundTripThroughConformationSource) {
  TempDir dir;
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  const auto path = dir.write("a.xyz", text({ethanol_frame(11.5, true), ethanol_frame(-2.25, true)}));
  ConformationSource src(path, t);
  EXPECT_EQ(src.format(), TrajectoryFormat::Extxyz);
  Conformation c;
  ASSERT_TRUE(src.next(c));
  EXPECT_DOUBLE_EQ(c.energy, 11.5);
  ASSERT_TRUE(c.has_forces());
  EXPECT_DOUBLE_EQ(c.f[26], 0.25 * 26 - 3);
  for (int k = 0; k < 27; ++k) EXPECT_NEAR(c.x[k], t.template_positions[k], 1e-9);
  ASSERT_TRUE(src.next(c));
  EXPECT_DOUBLE_EQ(c.energy, -2.25);
  EXPECT_EQ(c.frame, 2);
  EXPECT_FALSE(src.next(c));
}

TEST(Extxyz, ExtraPropertiesAreSkippedAndOrderIsFree) {
  TempDir dir;
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  std::ostringstream s;
  s << "9\nProperties=forces:R:3:Z:I:1:species:S:1:pos:R:3 energy=3\n";
  for (int a = 0; a < 9; ++a)
    s << "1 2 3 " << (t.elements[a] == "C" ? 6 : 1) << ' ' << t.elements[a] << ' ' << t.template_positions[3 * a] << ' '
      << t.template_positions[3 * a + 1] << ' ' << t.template_positions[3 * a + 2] << '\n';
  ConformationSource src(dir.write("b.extxyz", s.str()), t);
  Conformation c;
  ASSERT_TRUE(src.next(c));
  EXPECT_DOUBLE_EQ(c.f[0], 1);
  EXPECT_DOUBLE_EQ(c.f[2], 3);
  EXPECT_NEAR(c.x[3 * 8 + 1], t.template_positions[3 * 8 + 1], 1e-5);
}

class BadXyz : public ::testing::Test {
 protected:
  TempDir dir;
  Topology topo = read_lammps_data(drift_test::ethanol_data());
  std::string good = text({ethanol_frame(1, true), ethanol_frame(2, true)});
  std::string with(const std::string& s) { return dir.write("bad.xyz", s); }
  void read_all(const std::string& path) {
    ConformationSource src(path, topo);
    Conformation c;
    while (src.next(c)) {
    }
  }
};

TEST_F(BadXyz, Truncated) {
  expect_error<InputError>([&] { read_all(with(good.substr(0, good.size() - 40))); },
                           {"bad.xyz:", "frame 2", "truncated frame", "9 atom lines"});
}

TEST_F(BadXyz, MissingPositions) {
  std::string s = good;
  s.replace(s.find("pos:R:3"), 7, "pas:R:3");
  expect_error<InputError>([&] { read_all(with(s)); }, {"bad.xyz:2", "frame 1", "pos:R:3"});
}

TEST_F(BadXyz, NanValues) {
  std::string s = good;
  const auto line3 = s.find("\nC ") + 1;
  s.replace(line3, s.find('\n', line3) - line3, "C nan 0 0 0 0 0");
  expect_error<InputError>([&] { read_all(with(s)); }, {"bad.xyz:3", "frame 1", "non-finite"});
}

TEST_F(BadXyz, WrongAtomCountAndSpecies) {
  std::string s = good;
  s.replace(0, 1, "8");
  expect_error<InputError>([&] { read_all(with(s)); }, {"bad.xyz", "frame 1"});
  std::string t = text({ethanol_frame(1, false)});
  t.erase(t.rfind("H "), std::string::npos);
  t.replace(0, 1, "8");
  expect_error<InputError>([&] { read_all(with(t)); }, {"bad.xyz", "frame 1", "wrong atom count", "8 atoms", "says 9"});
  std::string u = good;
  u.replace(u.find("\nO "), 3, "\nN ");
  expect_error<InputError>([&] { read_all(with(u)); }, {"bad.xyz", "frame 1", "atom 3 is 'N'", "says 'O'"});
}

TEST_F(BadXyz, BadEnergy) {
  std::string s = good;
  s.replace(s.find("energy=1"), 8, "energy=x");
  expect_error<InputError>([&] { read_all(with(s)); }, {"bad.xyz:2", "energy="});
}

// Impossible counts from the file itself: an announced 10^12 atoms is a truncated frame (buffers
// grow with the lines read; mutation: sizing them from the count up front throws bad_alloc, not
// InputError), and a Properties column count that would wrap the total is refused before it
// indexes a line (mutation: dropping the bound reads past the line's words under ASan, and
// otherwise reports a wrong column count instead of this message).
TEST(Extxyz, AnnouncedCountsAreBoundedBeforeTheyAllocateOrIndex) {
  TempDir dir;
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  auto read_all = [&](const std::string& path) {
    ConformationSource src(path, t);
    Conformation c;
    while (src.next(c)) {
    }
  };
  expect_error<InputError>([&] { read_all(dir.write("huge.xyz", "1000000000000\nenergy=1\nC 0 0 0\nC 1 0 0\n")); },
                           {"huge.xyz:", "truncated frame", "expected 1000000000000 atom lines"});
  expect_error<InputError>(
      [&] { read_all(dir.write("cols.xyz", "1\nProperties=species:S:1:pos:R:3:a:R:4294967294\nC 0 0 0\n")); },
      {"cols.xyz:2", "Properties announce more than 10000 columns"});
}
