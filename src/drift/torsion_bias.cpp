#include "drift/torsion_bias.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "drift/backbone.hpp"
#include "drift/error.hpp"
#include "drift/geometry.hpp"
#include "drift/text_lines.hpp"

namespace drift {

namespace {

constexpr const char* kHeader = "# drift-bias";
constexpr double kDegree = M_PI / 180.0;

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

void check_chain(const Topology& topo, const std::array<int, 4>& a, const std::string& where) {
  for (int k = 0; k < 4; ++k) {
    if (a[k] < 0 || a[k] >= topo.n_atoms)
      throw std::runtime_error(where + ": atom " + std::to_string(a[k] + 1) + " is not an atom of the molecule (1.." +
                               std::to_string(topo.n_atoms) + ", " + topo.source + ")");
  }
  for (int k = 0; k < 3; ++k)
    if (!topo.bonded(a[k], a[k + 1]))
      throw std::runtime_error(where + ": atoms " + std::to_string(a[k] + 1) + " and " + std::to_string(a[k + 1] + 1) +
                               " are not bonded in " + topo.source + ": a torsion needs a bonded chain a-b-c-d");
}

}  // namespace

double TorsionBias::energy_at(double phi_degrees) const {
  double v = 0;
  for (const auto& t : terms) v += t.k * (1.0 + std::cos((t.n * phi_degrees - t.delta) * kDegree));
  return v;
}

double TorsionBias::energy(const std::vector<double>& x) const {
  return energy_at(dihedral_degrees(x, atoms[0], atoms[1], atoms[2], atoms[3]));
}

std::array<int, 4> parse_bias_torsion(const Topology& topo, const std::string& spec) {
  if (spec == "phi" || spec == "psi") {
    const auto pairs = find_ramachandran_pairs(topo);
    if (pairs.size() != 1)
      throw std::runtime_error("--torsion " + spec + ": " + topo.source + " has " + std::to_string(pairs.size()) +
                               " backbone residues; name the torsion by four atom IDs a,b,c,d instead");
    return spec == "phi" ? pairs[0].phi : pairs[0].psi;
  }
  std::array<int, 4> a{};
  std::stringstream in(spec);
  std::string word;
  int k = 0;
  while (std::getline(in, word, ',')) {
    long id = 0;
    if (k == 4 || !parse_long(trim(word), id))
      throw std::runtime_error("--torsion '" + spec + "': expected phi, psi or four atom IDs a,b,c,d");
    a[k++] = static_cast<int>(id - 1);
  }
  if (k != 4) throw std::runtime_error("--torsion '" + spec + "': expected phi, psi or four atom IDs a,b,c,d");
  check_chain(topo, a, "--torsion " + spec);
  return a;
}

TorsionBiasTerm parse_bias_term(const std::string& spec) {
  std::stringstream in(spec);
  std::string w[3];
  int k = 0;
  for (std::string word; std::getline(in, word, ':');) {
    if (k == 3) k = 4;
    else w[k++] = word;
  }
  TorsionBiasTerm t;
  long n = 0;
  if (k != 3 || !parse_double(trim(w[0]), t.k) || !parse_long(trim(w[1]), n) || !parse_double(trim(w[2]), t.delta))
    throw std::runtime_error("--term '" + spec + "': expected K:n:delta (energy, multiplicity, degrees), e.g. 1.5:1:-120");
  if (n < 1 || n > 12) throw std::runtime_error("--term '" + spec + "': the multiplicity n must be 1..12");
  t.n = static_cast<int>(n);
  return t;
}

std::string torsion_bias_header(const TorsionBias& bias) {
  std::string s = std::string(kHeader) + " torsion";
  for (int a : bias.atoms) s += " " + std::to_string(a + 1);
  for (const auto& t : bias.terms) s += " term " + number(t.k) + " " + std::to_string(t.n) + " " + number(t.delta);
  return s;
}

TorsionBias read_torsion_bias(const std::string& path, const Topology& topo) {
  LineReader lines(path);
  std::string line;
  while (lines.next(line)) {
    if (line.rfind(kHeader, 0) != 0) continue;
    auto fail = [&](const std::string& what) {
      throw InputError(path, lines.line_number(), 0,
                       what + " (expected '# drift-bias torsion A B C D term K n DELTA ...', as drift-bias restrain writes)");
    };
    const auto w = split_words(std::string_view(line).substr(std::string(kHeader).size()));
    if (w.size() < 9 || w[0] != "torsion" || (w.size() - 5) % 4 != 0) fail("malformed bias line");
    TorsionBias bias;
    for (int k = 0; k < 4; ++k) {
      long id = 0;
      if (!parse_long(w[1 + k], id) || id < 1 || id > topo.n_atoms)
        fail("atom '" + std::string(w[1 + k]) + "' is not an atom of " + topo.source + " (1.." + std::to_string(topo.n_atoms) + ")");
      bias.atoms[k] = static_cast<int>(id - 1);
    }
    for (size_t k = 5; k < w.size(); k += 4) {
      TorsionBiasTerm t;
      long n = 0;
      if (w[k] != "term" || !parse_double(w[k + 1], t.k) || !parse_long(w[k + 2], n) || n < 1 || n > 12 ||
          !parse_double(w[k + 3], t.delta))
        fail("malformed term");
      t.n = static_cast<int>(n);
      bias.terms.push_back(t);
    }
    try {
      check_chain(topo, bias.atoms, "bias torsion");
    } catch (const std::runtime_error& e) {
      fail(e.what());
    }
    return bias;
  }
  throw InputError(path, 0, 0, "no '# drift-bias torsion ...' line: not a bias written by drift-bias restrain");
}

std::string lammps_torsion_restraint(const TorsionBias& bias, const Topology& topo, long copies, const std::string& fix_id) {
  if (copies < 1) throw std::runtime_error("drift-bias: the number of copies must be >= 1");
  if (bias.terms.empty()) throw std::runtime_error("drift-bias: a bias needs at least one term");
  const double phi0 = dihedral_degrees(topo.template_positions, bias.atoms[0], bias.atoms[1], bias.atoms[2], bias.atoms[3]);
  const double expected = static_cast<double>(copies) * bias.energy_at(phi0);
  double scale = 0;
  for (const auto& t : bias.terms) scale += std::fabs(t.k);
  const double tolerance = 1e-6 * scale * static_cast<double>(copies) + 1e-9;
  std::ostringstream s;
  s << torsion_bias_header(bias) << "\n"
    << "# V(phi) = sum K [1 + cos(n phi - delta)] on the IUPAC dihedral of atoms " << bias.atoms[0] + 1 << "-"
    << bias.atoms[1] + 1 << "-" << bias.atoms[2] + 1 << "-" << bias.atoms[3] + 1 << " of each of " << copies
    << " copies of " << topo.source << "\n"
    << "# (atom IDs a + k * " << topo.n_atoms << " for copy k, as replicate numbers them). Written by drift-bias restrain;\n"
    << "# drift-bias reweight --bias <this file> removes the bias from the frames. LAMMPS's fix restrain of this\n"
    << "# version gives K [1 + cos(n phi - phi0)] for the phi0 it is given, so phi0 = delta; the check below stops\n"
    << "# the run if the LAMMPS in use disagrees.\n"
    << "fix " << fix_id << " all restrain";
  for (long c = 0; c < copies; ++c)
    for (const auto& t : bias.terms) {
      s << " &\n  dihedral";
      for (int a : bias.atoms) s << " " << c * topo.n_atoms + a + 1;
      s << " " << number(t.k) << " " << number(t.k) << " " << number(t.delta) << " mult " << t.n;
    }
  s << "\n"
    << "run 0 post no\n"
    << "variable " << fix_id << "_expected equal " << number(expected) << "\n"
    << "variable " << fix_id << "_wrong equal abs(f_" << fix_id << "-v_" << fix_id << "_expected)>" << number(tolerance)
    << "\n"
    << "if \"${" << fix_id << "_wrong} == 1\" then &\n"
    << "  \"print 'MD_BIAS ERROR: fix restrain gives $(f_" << fix_id << ") on the start structure, drift-bias expects "
    << number(expected) << ": this LAMMPS uses another fix restrain convention'\" &\n"
    << "  \"quit 1\"\n"
    << "print \"MD_BIAS applied: " << bias.terms.size() << " term(s) on " << copies << " copies, start energy $(f_" << fix_id
    << ")\"\n";
  return s.str();
}

}  // namespace drift
