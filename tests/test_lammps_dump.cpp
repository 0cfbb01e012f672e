#include <cmath>
#include <sstream>

#include "drift/conformation_source.hpp"
#include "drift/conformation_writer.hpp"
#include "drift/error.hpp"
#include "drift/geometry.hpp"
#include "drift/lammps_dump.hpp"
#include "drift/topology.hpp"
#include "test_util.hpp"

using namespace drift;
using drift_test::expect_error;
using drift_test::read_text;
using drift_test::TempDir;

namespace {

// Two ethanol copies in a 20 A periodic box, with forces and per-atom energies.
AtomFrame two_molecules(long step) {
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  AtomFrame f;
  f.timestep = step;
  f.box.lo = {0, 0, 0};
  f.box.hi = {20, 20, 20};
  f.box.periodic = {true, true, true};
  for (int m = 0; m < 2; ++m)
    for (int a = 0; a < 9; ++a) {
      f.ids.push_back(m * 9 + a + 1);
      f.mols.push_back(m + 1);
      f.types.push_back(t.types[a]);
      for (int d = 0; d < 3; ++d) {
        f.x.push_back(t.template_positions[3 * a + d] + 5.0 + 8.0 * m + 0.01 * step);
        f.f.push_back(0.5 * a - d + m);
      }
      f.pe.push_back(0.1 * (a + 1) + m);
    }
  return f;
}

std::string dump_text(const std::vector<AtomFrame>& frames) {
  std::ostringstream out;
  for (const auto& f : frames) write_dump_frame(out, f);
  return out.str();
}

}  // namespace

TEST(LammpsDump, RoundTripsFramesExactlyEnough) {
  TempDir dir;
  const auto path = dir.write("a.dump", dump_text({two_molecules(0), two_molecules(100)}));
  LammpsDumpReader reader(path);
  AtomFrame f;
  ASSERT_TRUE(reader.next(f));
  const AtomFrame ref = two_molecules(0);
  EXPECT_EQ(f.timestep, 0);
  EXPECT_EQ(f.ids, ref.ids);
  EXPECT_EQ(f.mols, ref.mols);
  EXPECT_EQ(f.types, ref.types);
  for (size_t k = 0; k < ref.x.size(); ++k) {
    EXPECT_NEAR(f.x[k], ref.x[k], 1e-9);
    EXPECT_NEAR(f.f[k], ref.f[k], 1e-9);
  }
  for (size_t k = 0; k < ref.pe.size(); ++k) EXPECT_NEAR(f.pe[k], ref.pe[k], 1e-9);
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(f.timestep, 100);
  EXPECT_FALSE(reader.next(f));
  EXPECT_EQ(reader.frames_read(), 2);
}

// A reweighted biased MD (drift-bias reweight) carries one weight per conformation as a 'weight'
// column: read into Conformation::weight, written back by the conformation writer, absent when the
// file has none. Fails if the reader ignores the column, the writer drops it, or a molecule's weight
// is taken from another molecule's atoms.
TEST(LammpsDump, WeightColumnIsTheConformationsWeight) {
  TempDir dir;
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  AtomFrame f = two_molecules(0);
  for (size_t i = 0; i < f.size(); ++i) f.weight.push_back(f.mols[i] == 1 ? 0.25 : 3.5);
  const auto path = dir.write("w.dump", dump_text({f}));
  EXPECT_NE(read_text(path).find(" c_pe weight\n"), std::string::npos);
  std::vector<Conformation> confs;
  {
    ConformationSource src(path, t);
    Conformation c;
    while (src.next(c)) confs.push_back(c);
  }
  ASSERT_EQ(confs.size(), 2u);
  EXPECT_DOUBLE_EQ(confs[0].weight, 0.25);
  EXPECT_DOUBLE_EQ(confs[1].weight, 3.5);
  std::ostringstream out;
  write_conformations_dump(out, t, confs, 5);
  const auto again = dir.write("again.dump", out.str());
  ConformationSource src(again, t);
  Conformation c;
  ASSERT_TRUE(src.next(c));
  EXPECT_DOUBLE_EQ(c.weight, 0.25);
  ASSERT_TRUE(src.next(c));
  EXPECT_DOUBLE_EQ(c.weight, 3.5);
  // Without the column: no weight.
  ConformationSource plain(dir.write("plain.dump", dump_text({two_molecules(0)})), t);
  ASSERT_TRUE(plain.next(c));
  EXPECT_FALSE(c.has_weight());
}

TEST(LammpsDump, AcceptsAnyColumnOrderAndUnsortedAtoms) {
  TempDir dir;
  // Columns shuffled, atoms in reverse order, no mol column: molecules come from sorted IDs.
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  std::ostringstream s;
  s << "ITEM: TIMESTEP\n7\nITEM: NUMBER OF ATOMS\n18\nITEM: BOX BOUNDS pp pp pp\n0 30\n0 30\n0 30\n"
    << "ITEM: ATOMS fz x type fy y id fx z\n";
  for (int id = 18; id >= 1; --id) {
    const int a = (id - 1) % 9, m = (id - 1) / 9;
    const double* p = &t.template_positions[3 * a];
    s << 3.0 << ' ' << p[0] + 10 * m + 10 << ' ' << t.types[a] << ' ' << 2.0 << ' ' << p[1] + 10 << ' ' << id << ' ' << 1.0
      << ' ' << p[2] + 10 << '\n';
  }
  const auto path = dir.write("shuffled.dump", s.str());
  ConformationSource src(path, t);
  Conformation c;
  int count = 0;
  while (src.next(c)) {
    ++count;
    ASSERT_TRUE(c.has_forces());
    EXPECT_DOUBLE_EQ(c.f[0], 1.0);
    EXPECT_DOUBLE_EQ(c.f[1], 2.0);
    EXPECT_DOUBLE_EQ(c.f[2], 3.0);
    EXPECT_FALSE(c.has_energy());
    EXPECT_NEAR(distance(c.x, 0, 1), distance(t.template_positions, 0, 1), 1e-5);
    EXPECT_NEAR(c.x[0], t.template_positions[0] + 10 * count, 1e-5);
  }
  EXPECT_EQ(count, 2);
}

TEST(LammpsDump, UnwrapsMoleculesAcrossPeriodicImages) {
  TempDir dir;
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  AtomFrame f = two_molecules(0);
  // Put molecule 1 across the x boundary and wrap it back into the box.
  for (int a = 0; a < 9; ++a) {
    f.x[3 * a] -= 5.3;
    if (f.x[3 * a] < 0) f.x[3 * a] += 20.0;
  }
  const auto path = dir.write("wrapped.dump", dump_text({f}));
  ConformationSource src(path, t);
  Conformation c;
  ASSERT_TRUE(src.next(c));
  for (const auto& b : t.bonds) EXPECT_NEAR(distance(c.x, b[0], b[1]), distance(t.template_positions, b[0], b[1]), 1e-6);
  EXPECT_NEAR(c.energy, 0.1 * 45, 1e-9);  // sum of per-atom energies of molecule 1
}

TEST(LammpsDump, ScaledCoordinatesAndImageFlags) {
  TempDir dir;
  const Topology t = read_lammps_data(drift_test::ethanol_data());
  std::ostringstream s;
  s << "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n9\nITEM: BOX BOUNDS pp pp pp\n-10 10\n-10 10\n-10 10\n"
    << "ITEM: ATOMS id type xs ys zs ix iy iz\n";
  for (int a = 0; a < 9; ++a) {
    const double* p = &t.template_positions[3 * a];
    s << a + 1 << ' ' << t.types[a] << ' ' << (p[0] + 10) / 20 << ' ' << (p[1] + 10) / 20 << ' ' << (p[2] + 10) / 20
      << " 1 0 -1\n";
  }
  ConformationSource src(dir.write("scaled.dump", s.str()), t);
  Conformation c;
  ASSERT_TRUE(src.next(c));
  EXPECT_NEAR(c.x[0], t.template_positions[0] + 20, 1e-6);
  EXPECT_NEAR(c.x[2], t.template_positions[2] - 20, 1e-6);
}

class BadDump : public ::testing::Test {
 protected:
  TempDir dir;
  Topology topo = read_lammps_data(drift_test::ethanol_data());
  std::string good = dump_text({two_molecules(0), two_molecules(10)});

  std::string variant(const std::string& from, const std::string& to, int occurrence = 0) {
    std::string s = good;
    size_t pos = 0;
    for (int k = 0; k <= occurrence; ++k) pos = s.find(from, k ? pos + 1 : 0);
    s.replace(pos, from.size(), to);
    return dir.write("bad.dump", s);
  }
  void read_all(const std::string& path) {
    ConformationSource src(path, topo);
    Conformation c;
    while (src.next(c)) {
    }
  }
};

TEST_F(BadDump, TruncatedFrame) {
  const std::string path = dir.write("bad.dump", good.substr(0, good.size() - 200));
  expect_error<InputError>([&] { read_all(path); }, {"bad.dump:", "frame 2", "truncated frame", "18 atom lines"});
}

TEST_F(BadDump, MissingColumn) {
  expect_error<InputError>([&] { read_all(variant("ITEM: ATOMS id mol type", "ITEM: ATOMS mol type")); },
                           {"bad.dump:9", "frame 1", "lack 'id'"});
  expect_error<InputError>([&] { read_all(variant(" fx fy fz", " fx fz")); }, {"bad.dump:9", "some of 'fx fy fz'"});
  expect_error<InputError>([&] { read_all(variant("type x y z", "type x y")); }, {"bad.dump:9", "lack positions"});
  // Found by the dump fuzzer (tests/fuzz/regressions/lammps_dump/x-without-y-z-beside-xs.dump): a
  // lone 'x' beside complete 'xs ys zs' chose x and read column -1 for y (UBSan: vector index).
  // Mutation: dropping the partial-x check reads out of bounds again (under the sanitizers) or
  // passes with garbage positions.
  expect_error<InputError>([&] { read_all(variant("type x y z fx", "type xs ys zs x fx")); }, {"bad.dump:9", "only some of 'x y z'"});
}

TEST_F(BadDump, NanAndGarbageValues) {
  const std::string line = "\n3 1 3 ";  // the start of atom 3's line in frame 1
  const auto pos = good.find(line);
  ASSERT_NE(pos, std::string::npos);
  std::string s = good;
  const auto end = s.find('\n', pos + 1);
  s.replace(pos + 1, end - pos - 1, "3 1 3 nan 1 2 0 0 0 0.3");
  dir.write("bad.dump", s);
  expect_error<InputError>([&] { read_all(dir.file("bad.dump")); }, {"bad.dump:12", "frame 1", "non-finite coordinate 'nan'"});
  s = good;
  s.replace(pos + 1, end - pos - 1, "3 1 3 1 1 2 0 0 0");
  dir.write("bad.dump", s);
  expect_error<InputError>([&] { read_all(dir.file("bad.dump")); }, {"bad.dump:12", "expected 10 columns, found 9"});
}

TEST_F(BadDump, WrongAtomCount) {
  // Frame announces 18 atoms but only 17 follow before the next frame.
  const auto first_atom18 = good.find("\n18 2 5 ");
  const auto eol = good.find('\n', first_atom18 + 1);
  std::string s = good;
  s.erase(first_atom18, eol - first_atom18);
  dir.write("bad.dump", s);
  expect_error<InputError>([&] { read_all(dir.file("bad.dump")); }, {"bad.dump:", "frame 1", "truncated frame"});
  // A molecule with too few atoms for the data file.
  expect_error<InputError>([&] { read_all(variant("\n18 2 5 ", "\n18 3 5 ")); },
                           {"bad.dump", "frame 1", "molecule 2 has 8 atoms", "says 9"});
  // No mol column and a count that is not a multiple of 9.
  std::ostringstream o;
  AtomFrame f = two_molecules(0);
  f.mols.clear();
  f.ids.pop_back(); f.types.pop_back(); f.pe.pop_back();
  f.x.resize(f.x.size() - 3); f.f.resize(f.f.size() - 3);
  write_dump_frame(o, f);
  const auto path = dir.write("count.dump", o.str());
  expect_error<InputError>([&] { read_all(path); }, {"count.dump", "frame 1", "wrong atom count", "17 atoms"});
}

// A weight must be a finite number >= 0, the same on every atom of a conformation. Fails if the
// reader accepts a negative weight or takes one atom's weight for a molecule whose atoms disagree.
TEST_F(BadDump, WeightsAreNonNegativeAndOnePerConformation) {
  AtomFrame f = two_molecules(0);
  f.weight.assign(f.size(), 1.0);
  f.weight[3] = -2.0;
  const auto negative = dir.write("neg.dump", dump_text({f}));
  expect_error<InputError>([&] { read_all(negative); }, {"neg.dump:13", "bad weight '-2'", ">= 0"});
  f.weight[3] = 2.0;
  const auto mixed = dir.write("mixed.dump", dump_text({f}));
  expect_error<InputError>([&] { read_all(mixed); }, {"mixed.dump", "frame 1", "molecule 1", "different weights"});
}

TEST_F(BadDump, TypeOrderMustMatchTheDataFile) {
  expect_error<InputError>([&] { read_all(variant("\n2 1 2 ", "\n2 1 4 ")); },
                           {"bad.dump", "frame 1", "atom 2", "type 4", "says type 2"});
}

TEST_F(BadDump, TriclinicBoxIsRefusedClearly) {
  expect_error<InputError>([&] { read_all(variant("BOX BOUNDS pp pp pp", "BOX BOUNDS xy xz yz pp pp pp")); },
                           {"bad.dump:5", "triclinic"});
}

// A dump that announces 10^12 atoms is a truncated frame, found as its lines run out; the reader
// never allocates for the announced count. Mutation: sizing the frame's arrays from the count up
// front (bad_alloc, not this InputError).
TEST_F(BadDump, AnnouncedAtomCountDoesNotAllocate) {
  const std::string path = variant("ITEM: NUMBER OF ATOMS\n18\n", "ITEM: NUMBER OF ATOMS\n1000000000000\n");
  expect_error<InputError>([&] { read_all(path); }, {"bad.dump:", "frame 1", "truncated frame", "expected 1000000000000 atom lines"});
}
