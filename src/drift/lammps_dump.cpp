#include "drift/lammps_dump.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "drift/error.hpp"

namespace drift {

LammpsDumpReader::LammpsDumpReader(const std::string& path, std::vector<std::string> energy_columns)
    : lines_(path), energy_columns_(std::move(energy_columns)) {}

void LammpsDumpReader::fail(const std::string& what) const {
  throw InputError(lines_.path(), lines_.line_number(), frame_, what);
}

bool LammpsDumpReader::next_nonempty(std::string& line) {
  if (has_pending_) {
    line = pending_;
    has_pending_ = false;
    return true;
  }
  while (lines_.next(line))
    if (!trim(line).empty()) return true;
  return false;
}

void LammpsDumpReader::expect_item(const std::string& line, const std::string& item) {
  if (line.rfind("ITEM: " + item, 0) != 0) fail("expected 'ITEM: " + item + "', found '" + line.substr(0, 60) + "'");
}

void LammpsDumpReader::parse_columns(const std::string& line) {
  auto words = split_words(std::string_view(line).substr(std::string("ITEM: ATOMS").size()));
  DumpColumns c;
  c.count = words.size();
  const char* axes[3] = {"x", "y", "z"};
  for (size_t k = 0; k < words.size(); ++k) {
    const std::string w(words[k]);
    const int col = static_cast<int>(k);
    if (w == "id") c.id = col;
    else if (w == "type") c.type = col;
    else if (w == "mol") c.mol = col;
    else if (w == "weight") c.weight = col;
    for (int d = 0; d < 3; ++d) {
      if (w == axes[d]) c.x[d] = col;
      if (w == std::string(axes[d]) + "u") c.xu[d] = col;
      if (w == std::string(axes[d]) + "s") c.xs[d] = col;
      if (w == std::string("i") + axes[d]) c.image[d] = col;
      if (w == std::string("f") + axes[d]) c.f[d] = col;
    }
    if (c.pe < 0)
      for (const auto& name : energy_columns_)
        if (w == name) c.pe = col;
  }
  if (c.id < 0) fail("ATOMS columns lack 'id'");
  if (c.type < 0) fail("ATOMS columns lack 'type'");
  auto complete = [](const int* a) { return a[0] >= 0 && a[1] >= 0 && a[2] >= 0; };
  auto partial = [](const int* a) { return (a[0] >= 0 || a[1] >= 0 || a[2] >= 0); };
  if (!complete(c.x) && !complete(c.xu) && !complete(c.xs))
    fail("ATOMS columns lack positions: expected 'x y z', 'xu yu zu' or 'xs ys zs'");
  if (partial(c.x) && !complete(c.x)) fail("ATOMS columns have only some of 'x y z'");
  if (partial(c.xu) && !complete(c.xu)) fail("ATOMS columns have only some of 'xu yu zu'");
  if (partial(c.xs) && !complete(c.xs)) fail("ATOMS columns have only some of 'xs ys zs'");
  if (partial(c.f) && !complete(c.f)) fail("ATOMS columns have only some of 'fx fy fz'");
  if (partial(c.image) && !complete(c.image)) fail("ATOMS columns have only some of 'ix iy iz'");
  cols_ = c;
}

bool LammpsDumpReader::next(AtomFrame& frame) {
  std::string line;
  if (!next_nonempty(line)) return false;
  ++frame_;
  frame.clear();
  expect_item(line, "TIMESTEP");
  if (!next_nonempty(line)) fail("truncated frame: no timestep value");
  {
    auto w = split_words(line);
    if (w.size() != 1 || !parse_long(w[0], frame.timestep)) fail("expected one integer timestep, found '" + line + "'");
  }
  if (!next_nonempty(line)) fail("truncated frame: no 'ITEM: NUMBER OF ATOMS'");
  // Optional items (e.g. ITEM: TIME, ITEM: UNITS) come before NUMBER OF ATOMS in some dumps.
  while (line.rfind("ITEM: NUMBER OF ATOMS", 0) != 0) {
    if (line.rfind("ITEM: ", 0) != 0) fail("expected 'ITEM: NUMBER OF ATOMS', found '" + line.substr(0, 60) + "'");
    if (!next_nonempty(line)) fail("truncated frame");
    if (!next_nonempty(line)) fail("truncated frame: no 'ITEM: NUMBER OF ATOMS'");
  }
  long natoms = 0;
  if (!next_nonempty(line)) fail("truncated frame: no atom count");
  {
    auto w = split_words(line);
    if (w.size() != 1 || !parse_long(w[0], natoms) || natoms < 0) fail("expected a non-negative atom count, found '" + line + "'");
  }
  if (!next_nonempty(line)) fail("truncated frame: no 'ITEM: BOX BOUNDS'");
  expect_item(line, "BOX BOUNDS");
  {
    auto w = split_words(line);  // ITEM: BOX BOUNDS [xy xz yz] [pp pp pp]
    std::vector<std::string_view> rest(w.begin() + std::min<size_t>(3, w.size()), w.end());
    if (std::find(rest.begin(), rest.end(), "xy") != rest.end())
      fail("triclinic boxes are not supported; write the dump from an orthogonal box");
    for (int d = 0; d < 3; ++d)
      frame.box.periodic[d] = rest.size() >= 3 ? rest[rest.size() - 3 + d] == "pp" : true;
  }
  for (int d = 0; d < 3; ++d) {
    if (!next_nonempty(line)) fail("truncated frame: box bounds");
    auto w = split_words(line);
    if (w.size() != 2 || !parse_double(w[0], frame.box.lo[d]) || !parse_double(w[1], frame.box.hi[d]))
      fail("expected 'lo hi' box bounds, found '" + line + "'");
    if (!(frame.box.hi[d] > frame.box.lo[d])) fail("box bounds with hi <= lo");
  }
  if (!next_nonempty(line)) fail("truncated frame: no 'ITEM: ATOMS'");
  expect_item(line, "ATOMS");
  parse_columns(line);
  const DumpColumns& c = cols_;

  const bool use_xu = c.xu[0] >= 0, use_x = !use_xu && c.x[0] >= 0;
  frame.unwrapped = use_xu;
  const bool has_f = c.f[0] >= 0, has_img = c.image[0] >= 0;
  // Buffers grow with the atom lines actually read, never to the announced count up front (a
  // dump that says 10^9 atoms gets an error at its end, not an allocation of 10^9 atoms).
  auto grow_to = [&](long size) {
    frame.ids.resize(size);
    frame.types.resize(size);
    frame.x.resize(3 * size);
    if (c.mol >= 0) frame.mols.resize(size);
    if (has_f) frame.f.resize(3 * size);
    if (c.pe >= 0) frame.pe.resize(size);
    if (c.weight >= 0) frame.weight.resize(size);
    if (has_img) frame.image.resize(3 * size);
  };
  grow_to(std::min(natoms, 4096L));

  for (long i = 0; i < natoms; ++i) {
    if (i == static_cast<long>(frame.ids.size())) grow_to(std::min(natoms, 2 * i));
    if (!lines_.next(line)) fail("truncated frame: expected " + std::to_string(natoms) + " atom lines, got " + std::to_string(i));
    auto w = split_words(line);
    if (w.size() != c.count) {
      if ((!w.empty() && w[0] == "ITEM:") || (w.size() < c.count && lines_.at_eof()))
        fail("truncated frame: expected " + std::to_string(natoms) + " atom lines, got " + std::to_string(i));
      fail("expected " + std::to_string(c.count) + " columns, found " + std::to_string(w.size()));
    }
    long v;
    if (!parse_long(w[c.id], v)) fail("bad atom id '" + std::string(w[c.id]) + "'");
    frame.ids[i] = v;
    if (!parse_long(w[c.type], v)) fail("bad atom type '" + std::string(w[c.type]) + "'");
    frame.types[i] = static_cast<int>(v);
    if (c.mol >= 0) {
      if (!parse_long(w[c.mol], v)) fail("bad molecule id '" + std::string(w[c.mol]) + "'");
      frame.mols[i] = v;
    }
    for (int d = 0; d < 3; ++d) {
      const int col = use_xu ? c.xu[d] : use_x ? c.x[d] : c.xs[d];
      double value;
      if (!parse_double(w[col], value)) fail("bad or non-finite coordinate '" + std::string(w[col]) + "'");
      if (!use_xu && !use_x) value = frame.box.lo[d] + value * frame.box.length(d);
      frame.x[3 * i + d] = value;
      if (has_f) {
        if (!parse_double(w[c.f[d]], value)) fail("bad or non-finite force '" + std::string(w[c.f[d]]) + "'");
        frame.f[3 * i + d] = value;
      }
      if (has_img) {
        if (!parse_long(w[c.image[d]], v)) fail("bad image flag '" + std::string(w[c.image[d]]) + "'");
        frame.image[3 * i + d] = static_cast<int>(v);
      }
    }
    if (c.pe >= 0) {
      double e;
      if (!parse_double(w[c.pe], e)) fail("bad or non-finite per-atom energy '" + std::string(w[c.pe]) + "'");
      frame.pe[i] = e;
    }
    if (c.weight >= 0) {
      double wt;
      if (!parse_double(w[c.weight], wt) || wt < 0)
        fail("bad weight '" + std::string(w[c.weight]) + "': expected a finite number >= 0");
      frame.weight[i] = wt;
    }
  }
  // Detect a frame that claims fewer atoms than follow (the next line must be ITEM: TIMESTEP).
  if (next_nonempty(line)) {
    if (line.rfind("ITEM: TIMESTEP", 0) != 0)
      fail("more atom lines than the " + std::to_string(natoms) + " announced, or garbage after the frame: '" +
           line.substr(0, 60) + "'");
    pending_ = line;
    has_pending_ = true;
  }
  {
    std::vector<long> sorted = frame.ids;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) fail("duplicate atom id in frame");
  }
  return true;
}

void write_dump_frame(std::ostream& out, const AtomFrame& frame, const DumpWriteOptions& options) {
  const size_t n = frame.size();
  const bool mol = options.mol && !frame.mols.empty();
  const bool forces = options.forces && !frame.f.empty();
  const bool energy = options.energy && !frame.pe.empty();
  const bool weight = options.weight && !frame.weight.empty();
  out << "ITEM: TIMESTEP\n" << frame.timestep << "\nITEM: NUMBER OF ATOMS\n" << n << "\nITEM: BOX BOUNDS";
  for (int d = 0; d < 3; ++d) out << (frame.box.periodic[d] ? " pp" : " ff");
  out << "\n";
  char buf[256];
  for (int d = 0; d < 3; ++d) {
    std::snprintf(buf, sizeof buf, "%.16e %.16e\n", frame.box.lo[d], frame.box.hi[d]);
    out << buf;
  }
  out << "ITEM: ATOMS id" << (mol ? " mol" : "") << " type " << (frame.unwrapped ? "xu yu zu" : "x y z")
      << (forces ? " fx fy fz" : "") << (energy ? " c_pe" : "") << (weight ? " weight" : "")
      << "\n";
  for (size_t i = 0; i < n; ++i) {
    out << frame.ids[i];
    if (mol) out << ' ' << frame.mols[i];
    out << ' ' << frame.types[i];
    write_numbers(out, &frame.x[3 * i], 3);
    if (forces) write_numbers(out, &frame.f[3 * i], 3);
    if (energy) write_numbers(out, &frame.pe[i], 1);
    if (weight) write_numbers(out, &frame.weight[i], 1);
    out << '\n';
  }
}

}  // namespace drift
