#include "drift/topology.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "drift/error.hpp"
#include "drift/text_lines.hpp"

namespace drift {

bool Topology::bonded(int i, int j) const {
  for (const auto& b : bonds)
    if ((b[0] == i && b[1] == j) || (b[0] == j && b[1] == i)) return true;
  return false;
}

std::vector<std::vector<int>> Topology::neighbours() const {
  std::vector<std::vector<int>> nb(n_atoms);
  for (const auto& b : bonds) {
    nb[b[0]].push_back(b[1]);
    nb[b[1]].push_back(b[0]);
  }
  for (auto& v : nb) std::sort(v.begin(), v.end());
  return nb;
}

std::string Topology::pair_label(int i, int j) const {
  std::string a = elements[i], b = elements[j];
  if (b < a) std::swap(a, b);
  return a + "-" + b;
}

std::vector<std::string> Topology::pair_labels() const {
  std::vector<std::string> labels;
  for (int i = 0; i < n_atoms; ++i)
    for (int j = i + 1; j < n_atoms; ++j) {
      std::string l = pair_label(i, j);
      if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
    }
  return labels;
}

std::string element_from_mass(double mass, int type) {
  static const std::pair<const char*, double> table[] = {
      {"H", 1.008},   {"He", 4.0026}, {"Li", 6.94},   {"B", 10.81},   {"C", 12.011},
      {"N", 14.007},  {"O", 15.999},  {"F", 18.998},  {"Na", 22.990}, {"Mg", 24.305},
      {"Al", 26.982}, {"Si", 28.085}, {"P", 30.974},  {"S", 32.06},   {"Cl", 35.45},
      {"K", 39.098},  {"Ca", 40.078}, {"Br", 79.904}, {"I", 126.90},  {"D", 2.014}};
  for (const auto& [symbol, m] : table)
    if (std::fabs(mass - m) < 0.1) return symbol;
  return "X" + std::to_string(type);
}

namespace {

struct AtomLine {
  long id, mol;
  int type;
  double x, y, z;
  long line;
};

bool starts_with_letter(std::string_view s) {
  return !s.empty() && std::isalpha(static_cast<unsigned char>(s[0]));
}

std::string strip_comment(const std::string& line) {
  auto pos = line.find('#');
  return pos == std::string::npos ? line : line.substr(0, pos);
}

// A section header is a line starting with a letter ("Atoms # full"); sets its name and the
// first word of its comment (the atom style, for Atoms).
bool section_header(const std::string& line, std::string& section, std::string& style) {
  const std::string body = strip_comment(line);
  auto words = split_words(body);
  if (words.empty() || !starts_with_letter(words[0])) return false;
  section = std::string(trim(body));
  style.clear();
  const auto hash = line.find('#');
  if (hash != std::string::npos) {
    auto comment = split_words(std::string_view(line).substr(hash + 1));
    if (!comment.empty()) style = std::string(comment[0]);
  }
  return true;
}

}  // namespace

Topology read_lammps_data(const std::string& path) {
  LineReader in(path);
  std::string line;
  // Header: the first line is a title; then "N keyword" lines until the first section.
  if (!in.next(line)) throw InputError(path, 1, 0, "empty file, expected a LAMMPS data file");
  std::map<std::string, long> counts;
  std::string section, atom_style = "full", comment_style;
  bool in_body = false;
  while (in.next(line)) {
    if (section_header(line, section, comment_style)) {
      in_body = true;
      break;
    }
    const std::string body = strip_comment(line);
    auto words = split_words(body);
    if (words.empty()) continue;
    long n;
    if (!parse_long(words[0], n)) continue;  // box bounds and tilt lines start with floats
    std::string key;
    for (size_t k = 1; k < words.size(); ++k) key += (k > 1 ? " " : "") + std::string(words[k]);
    counts[key] = n;
  }
  if (!in_body) throw InputError(path, in.line_number(), 0, "no sections (expected Masses, Atoms, Bonds)");
  if (!counts.count("atoms") || !counts.count("atom types"))
    throw InputError(path, in.line_number(), 0, "header lacks the 'atoms' or 'atom types' count");

  // The header's own numbers size nothing before they are checked: a data file that announces
  // 10^9 types (or a negative count) gets an error, not an allocation.
  constexpr long kMaxAtomTypes = 100000;
  if (counts["atom types"] < 1 || counts["atom types"] > kMaxAtomTypes)
    throw InputError(path, 0, 0, "header says " + std::to_string(counts["atom types"]) + " atom types; expected 1 to " +
                                     std::to_string(kMaxAtomTypes));
  if (counts["atoms"] < 1) throw InputError(path, 0, 0, "header says " + std::to_string(counts["atoms"]) + " atoms; expected at least 1");
  const int n_types = static_cast<int>(counts["atom types"]);
  std::vector<double> type_mass(n_types + 1, 0.0);
  std::vector<bool> mass_seen(n_types + 1, false);
  std::vector<AtomLine> atoms;
  std::vector<std::array<long, 2>> bond_ids;
  std::vector<long> bond_lines;

  int x_col = 4;  // column of x in an Atoms line (0-based), set by the Atoms section's style
  bool has_mol = true;
  bool style_assumed = false;  // no style comment: read as full, and only lines of full's shape
  auto set_atom_style = [&](const std::string& style) {
    style_assumed = style.empty();
    if (!style.empty()) atom_style = style;
    if (atom_style == "full") x_col = 4;
    else if (atom_style == "molecular" || atom_style == "bond" || atom_style == "angle") x_col = 3;
    else if (atom_style == "atomic") { x_col = 2; has_mol = false; }
    else if (atom_style == "charge") { x_col = 3; has_mol = false; }
    else
      throw InputError(path, in.line_number(), 0,
                       "unsupported atom style '" + atom_style +
                           "' in the Atoms section comment (supported: full, molecular, bond, angle, atomic, charge)");
  };
  if (section == "Atoms") set_atom_style(comment_style);

  auto parse_section_line = [&](const std::vector<std::string_view>& w) {
    const long ln = in.line_number();
    if (section == "Masses") {
      long t;
      double m;
      if (w.size() < 2 || !parse_long(w[0], t) || !parse_double(w[1], m))
        throw InputError(path, ln, 0, "Masses: expected 'type mass'");
      if (t < 1 || t > n_types) throw InputError(path, ln, 0, "Masses: type " + std::to_string(t) + " out of range 1.." + std::to_string(n_types));
      if (!(m > 0)) throw InputError(path, ln, 0, "Masses: mass must be positive");
      type_mass[t] = m;
      mass_seen[t] = true;
    } else if (section == "Atoms") {
      AtomLine a{};
      long t;
      if (style_assumed && w.size() != 7 && w.size() != 10)
        throw InputError(path, ln, 0, "the Atoms section has no atom style comment (e.g. 'Atoms # full'), so it is read as "
                                      "full: 7 columns (10 with image flags), this line has " + std::to_string(w.size()) +
                                      "; add the style comment LAMMPS' write_data writes");
      if (static_cast<int>(w.size()) < x_col + 3 || !parse_long(w[0], a.id) ||
          (has_mol && !parse_long(w[1], a.mol)) || !parse_long(w[has_mol ? 2 : 1], t) ||
          !parse_double(w[x_col], a.x) || !parse_double(w[x_col + 1], a.y) || !parse_double(w[x_col + 2], a.z))
        throw InputError(path, ln, 0, "Atoms (" + atom_style + "): expected " +
                                          (x_col == 4 ? "'id mol type q x y z'" : x_col == 3 && has_mol ? "'id mol type x y z'" : "'id type x y z'"));
      if (!has_mol) a.mol = 1;
      if (t < 1 || t > n_types) throw InputError(path, ln, 0, "Atoms: type " + std::to_string(t) + " out of range");
      a.type = static_cast<int>(t);
      a.line = ln;
      atoms.push_back(a);
    } else if (section == "Bonds") {
      long id, bt, i, j;
      if (w.size() < 4 || !parse_long(w[0], id) || !parse_long(w[1], bt) || !parse_long(w[2], i) || !parse_long(w[3], j))
        throw InputError(path, ln, 0, "Bonds: expected 'id type atom1 atom2'");
      bond_ids.push_back({i, j});
      bond_lines.push_back(ln);
    }
  };

  while (true) {
    // Inside a section: lines starting with a number belong to it, a word starts a new one.
    bool more = in.next(line);
    if (!more) break;
    if (section_header(line, section, comment_style)) {
      if (section == "Atoms") set_atom_style(comment_style);
      continue;
    }
    const std::string body = strip_comment(line);
    auto words = split_words(body);
    if (words.empty()) continue;
    parse_section_line(words);
  }

  if (static_cast<long>(atoms.size()) != counts["atoms"])
    throw InputError(path, 0, 0, "header says " + std::to_string(counts["atoms"]) + " atoms, Atoms section has " +
                                     std::to_string(atoms.size()));
  if (atoms.empty()) throw InputError(path, 0, 0, "no atoms");
  for (int t = 1; t <= n_types; ++t)
    if (!mass_seen[t]) throw InputError(path, 0, 0, "no mass for atom type " + std::to_string(t) + " (Masses section)");
  if (counts.count("bonds") && static_cast<long>(bond_ids.size()) != counts["bonds"])
    throw InputError(path, 0, 0, "header says " + std::to_string(counts["bonds"]) + " bonds, Bonds section has " +
                                     std::to_string(bond_ids.size()));

  std::sort(atoms.begin(), atoms.end(), [](const AtomLine& a, const AtomLine& b) { return a.id < b.id; });
  for (size_t k = 1; k < atoms.size(); ++k)
    if (atoms[k].id == atoms[k - 1].id)
      throw InputError(path, std::max(atoms[k].line, atoms[k - 1].line), 0,
                       "atom ID " + std::to_string(atoms[k].id) + " appears twice in the Atoms section (lines " +
                           std::to_string(std::min(atoms[k].line, atoms[k - 1].line)) + " and " +
                           std::to_string(std::max(atoms[k].line, atoms[k - 1].line)) + ")");
  auto atom_exists = [&](long id) {
    const auto it = std::lower_bound(atoms.begin(), atoms.end(), id, [](const AtomLine& a, long v) { return a.id < v; });
    return it != atoms.end() && it->id == id;
  };
  for (size_t k = 0; k < bond_ids.size(); ++k)
    for (long id : bond_ids[k])
      if (!atom_exists(id))
        throw InputError(path, bond_lines[k], 0, "the bond refers to atom " + std::to_string(id) + ", which the Atoms section does not have");
  const long first_mol = atoms.front().mol;
  Topology topo;
  topo.source = path;
  topo.n_types = n_types;
  std::map<long, int> index_of_id;
  for (const auto& a : atoms) {
    if (a.mol != first_mol) continue;
    index_of_id[a.id] = topo.n_atoms++;
    topo.types.push_back(a.type);
    topo.masses.push_back(type_mass[a.type]);
    topo.elements.push_back(element_from_mass(type_mass[a.type], a.type));
    topo.template_positions.insert(topo.template_positions.end(), {a.x, a.y, a.z});
  }
  for (size_t k = 0; k < bond_ids.size(); ++k) {
    auto i = index_of_id.find(bond_ids[k][0]);
    auto j = index_of_id.find(bond_ids[k][1]);
    const bool in_i = i != index_of_id.end(), in_j = j != index_of_id.end();
    if (in_i != in_j) throw InputError(path, bond_lines[k], 0, "bond joins two molecules");
    if (!in_i) continue;
    if (i->second == j->second) throw InputError(path, bond_lines[k], 0, "bond joins an atom to itself");
    topo.bonds.push_back({std::min(i->second, j->second), std::max(i->second, j->second)});
  }
  std::sort(topo.bonds.begin(), topo.bonds.end());
  return topo;
}

}  // namespace drift
