// drift-torsion-acf: integrated autocorrelation time of each rotatable torsion in an MD
// trajectory with equally spaced frames: the number of MD steps per independent sample.
#include <cmath>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>

#include "drift/atomic_file.hpp"
#include "drift/autocorrelation.hpp"
#include "drift/conformation_source.hpp"
#include "drift/geometry.hpp"
#include "drift/topology.hpp"
#include "drift/torsions.hpp"

int main(int argc, char** argv) {
  std::string data, input, json_out;
  double steps_per_frame = 1;
  CLI::App app{
      "drift-torsion-acf: integrated autocorrelation time tau_int = 1 + 2 sum_k C(k)/C(0) of exp(i*phi) for each\n"
      "rotatable torsion, averaged over all molecules of the trajectory (Sokal window M >= 5 tau). The frames\n"
      "must be equally spaced in time; give the spacing in MD steps to get tau in steps."};
  app.add_option("-d,--data", data, "LAMMPS data file of the molecule")->required()->check(CLI::ExistingFile);
  app.add_option("input", input, "trajectory (dump or extxyz), equally spaced frames")->required()->check(CLI::ExistingFile);
  app.add_option("--steps-per-frame", steps_per_frame, "MD steps between frames")->check(CLI::PositiveNumber);
  app.add_option("--json", json_out, "also write the result as JSON to this file");
  CLI11_PARSE(app, argc, argv);
  try {
    const auto topo = drift::read_lammps_data(data);
    const auto torsions = drift::find_rotatable_torsions(topo);
    std::map<long, std::vector<std::vector<double>>> by_molecule;  // molecule -> torsion -> series
    drift::ConformationSource source(input, topo);
    drift::Conformation c;
    while (source.next(c)) {
      auto& s = by_molecule[c.molecule];
      s.resize(torsions.size());
      for (size_t t = 0; t < torsions.size(); ++t)
        s[t].push_back(drift::dihedral_degrees(c.x, torsions[t].a, torsions[t].b, torsions[t].c, torsions[t].d));
    }
    std::ostringstream json;
    json << "{\n  \"steps_per_frame\": " << steps_per_frame << ",\n  \"molecules\": " << by_molecule.size()
         << ",\n  \"torsions\": {";
    double slowest = 0;
    for (size_t t = 0; t < torsions.size(); ++t) {
      std::vector<std::vector<double>> series;
      for (auto& [mol, s] : by_molecule) series.push_back(s[t]);
      const double tau = drift::integrated_autocorrelation_time(series);
      std::cout << torsions[t].label << ": tau_int = " << tau << " frames = " << tau * steps_per_frame << " steps ("
                << series.size() << " molecules x " << (series.empty() ? 0 : series[0].size()) << " frames)\n";
      json << (t ? "," : "") << "\n    \"" << torsions[t].label << "\": "
           << (std::isfinite(tau) ? std::to_string(tau * steps_per_frame) : "null");
      if (!std::isfinite(tau)) std::cerr << "drift-torsion-acf: warning: trajectory too short for " << torsions[t].label << "\n";
      slowest = std::max(slowest, std::isfinite(tau) ? tau * steps_per_frame : INFINITY);
    }
    json << "\n  },\n  \"slowest_tau_steps\": " << (std::isfinite(slowest) ? std::to_string(slowest) : "null") << "\n}\n";
    std::cout << "slowest torsion: tau_int = " << slowest << " steps\n";
    if (!json_out.empty()) drift::write_file_atomically(json_out, json.str());
  } catch (const std::exception& e) {
    std::cerr << "drift-torsion-acf: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
