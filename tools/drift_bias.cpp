// drift-bias: MD with a known torsion bias, and its removal by reweighting (src/drift/torsion_bias.hpp).
//   drift-bias restrain -d mol.data --torsion phi --term 1.5:1:-120 --copies 216 -o bias.lmp
//   lmp -in examples/in.md ... -var bias bias.lmp          (the bias acts in the MD phase only)
//   drift-bias reweight -d mol.data --bias bias.lmp --temperature 300 biased.dump reweighted.dump
#include <cmath>
#include <iostream>

#include <CLI/CLI.hpp>

#include "drift/atomic_file.hpp"
#include "drift/conformation_source.hpp"
#include "drift/conformation_writer.hpp"
#include "drift/topology.hpp"
#include "drift/torsion_bias.hpp"
#include "drift/train_config.hpp"

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void restrain(const std::string& data, const std::string& torsion, const std::vector<std::string>& terms, long copies,
              const std::string& output) {
  const auto topo = drift::read_lammps_data(data);
  drift::TorsionBias bias;
  bias.atoms = drift::parse_bias_torsion(topo, torsion);
  for (const auto& t : terms) bias.terms.push_back(drift::parse_bias_term(t));
  drift::AtomicFile out(output);
  out.stream() << drift::lammps_torsion_restraint(bias, topo, copies);
  out.commit();
  double lo = INFINITY, hi = -INFINITY;
  for (int deg = -180; deg < 180; ++deg) {
    lo = std::min(lo, bias.energy_at(deg));
    hi = std::max(hi, bias.energy_at(deg));
  }
  std::cerr << "drift-bias: wrote " << output << ": " << drift::torsion_bias_header(bias).substr(2) << " on " << copies
            << " copies; V ranges over [" << lo << ", " << hi << "] (the data file's energy unit)\n";
}

void reweight(const std::string& data, const std::string& bias_file, double temperature, const std::string& units,
              const std::string& input, const std::string& output) {
  const auto topo = drift::read_lammps_data(data);
  const auto bias = drift::read_torsion_bias(bias_file, topo);
  const double beta = 1.0 / (drift::boltzmann_constant(units) * temperature);
  // w = exp(beta (V - V_max)) with V_max = 2 sum |K| >= V: in (0, 1] without a first pass over the file.
  double v_max = 0;
  for (const auto& t : bias.terms) v_max += 2 * std::fabs(t.k);
  const bool to_xyz = ends_with(output, ".xyz") || ends_with(output, ".extxyz");
  drift::ConformationSource source(input, topo, units);
  drift::AtomicFile out(output);
  drift::Conformation c;
  std::vector<drift::Conformation> frame;
  long current = 0, count = 0;
  double sum_w = 0, sum_w2 = 0, sum_wv = 0, sum_v = 0;
  auto flush = [&] {
    if (!frame.empty() && !to_xyz) drift::write_conformations_dump(out.stream(), topo, frame, current);
    frame.clear();
  };
  while (source.next(c)) {
    if (c.has_weight())
      throw std::runtime_error(input + ", frame " + std::to_string(c.frame) +
                               ": the conformations already carry weights; reweight the biased MD's own frames");
    if (c.frame != current) {
      flush();
      current = c.frame;
    }
    const double v = bias.energy(c.x);
    c.weight = std::exp(beta * (v - v_max));
    ++count;
    sum_w += c.weight;
    sum_w2 += c.weight * c.weight;
    sum_wv += c.weight * v;
    sum_v += v;
    if (to_xyz) drift::write_conformation_extxyz(out.stream(), topo, c, units);
    else frame.push_back(std::move(c));
  }
  flush();
  if (count == 0) throw std::runtime_error(input + ": no conformations");
  out.commit();
  std::cerr << "drift-bias: wrote " << count << " conformations with weights exp(V/kT) at " << temperature << " K to "
            << output << "\n  ESS/n " << sum_w * sum_w / sum_w2 / count << "; <V> biased " << sum_v / count
            << ", reweighted " << sum_wv / sum_w << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"drift-bias: a known torsion bias for MD that must cross a slow barrier, and its exact removal by\n"
               "reweighting. 'restrain' writes the LAMMPS input that applies it to every copy (for examples/in.md's\n"
               "-var bias); 'reweight' gives each frame of the biased run its weight exp(V/kT) (a 'weight' column of\n"
               "the dump, weight= in extended XYZ), which drift-compare uses (docs/method.md)."};
  app.require_subcommand(1);
  std::string data, torsion, output, bias_file, input, units = "real";
  std::vector<std::string> terms;
  long copies = 1;
  double temperature = 0;
  auto* r = app.add_subcommand("restrain", "write the LAMMPS input (fix restrain on every copy) that applies the bias");
  r->add_option("-d,--data", data, "LAMMPS data file of the molecule")->required()->check(CLI::ExistingFile);
  r->add_option("--torsion", torsion, "phi or psi (the backbone's, from the bond graph) or atom IDs a,b,c,d")->required();
  r->add_option("--term", terms, "K:n:delta, V += K [1 + cos(n phi - delta)] (energy, multiplicity, degrees); repeatable")
      ->required();
  r->add_option("--copies", copies, "copies of the molecule in the box (nx*ny*nz of examples/in.md)")
      ->required()
      ->check(CLI::PositiveNumber);
  r->add_option("-o,--output", output, "LAMMPS file to write")->required();
  auto* w = app.add_subcommand("reweight", "weight every frame of a biased run by exp(V/kT), removing the bias");
  w->add_option("-d,--data", data, "LAMMPS data file of the molecule")->required()->check(CLI::ExistingFile);
  w->add_option("--bias", bias_file, "the file drift-bias restrain wrote for the run")->required()->check(CLI::ExistingFile);
  w->add_option("--temperature", temperature, "temperature of the biased run (K)")->required()->check(CLI::PositiveNumber);
  w->add_option("--units", units, "LAMMPS units of the force field (for k_B)")->capture_default_str();
  w->add_option("input", input, "frames of the biased run (dump or extxyz)")->required()->check(CLI::ExistingFile);
  w->add_option("output", output, "reweighted frames (extxyz for .xyz/.extxyz, otherwise a LAMMPS dump)")->required();
  CLI11_PARSE(app, argc, argv);
  try {
    if (*r) restrain(data, torsion, terms, copies, output);
    else reweight(data, bias_file, temperature, units, input, output);
  } catch (const std::exception& e) {
    std::cerr << "drift-bias: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
