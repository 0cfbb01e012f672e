// drift-torsion-acf: what one independent sample costs in MD. Integrated autocorrelation times,
// with standard errors, of the slow observables of a trajectory of independent replicas with
// equally spaced frames: the molecule's potential energy (when the frames carry c_pe), every
// rotatable torsion label-free (cos and sin of s*phi averaged over the equivalent end atoms, s the
// rotor's symmetry number: for a methyl rotor the three H are one state up to relabelling) and
// labelled (cos and sin of phi of the named atoms: for a methyl rotor this measures identical
// hydrogens trading places, which no observable of the molecule can see). For a peptide backbone,
// also the phi/psi observables and, per Ramachandran basin, the mean first-passage time into it.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "drift/atomic_file.hpp"
#include "drift/autocorrelation.hpp"
#include "drift/conformation_source.hpp"
#include "drift/first_passage.hpp"
#include "drift/backbone.hpp"
#include "drift/geometry.hpp"
#include "drift/torsions.hpp"

namespace {

struct Observable {
  std::string name, kind;  // kind: energy | label-free | labelled
  std::map<long, std::vector<double>> by_molecule;
};

}  // namespace

int main(int argc, char** argv) {
  std::string data, input, json_out;
  double steps_per_frame = 1, window_c = 5, max_relative_error = 0.1;
  int groups = 0;
  CLI::App app{
      "drift-torsion-acf: integrated autocorrelation time tau_int = 1 + 2 sum_k C(k)/C(0) (Sokal window W >= c tau)\n"
      "of the potential energy (if the frames have c_pe) and of every rotatable torsion, label-free (cos, sin of\n"
      "s*phi averaged over equivalent end atoms; s: rotor symmetry number) and labelled (cos, sin of phi), pooled\n"
      "over all molecules of the trajectory, each with a jackknife standard error over groups of molecules.\n"
      "The frames must be equally spaced in time; give the spacing in MD steps to get tau in steps."};
  app.add_option("-d,--data", data, "LAMMPS data file of the molecule")->required()->check(CLI::ExistingFile);
  app.add_option("input", input, "trajectory (dump or extxyz) of independent molecules, equally spaced frames")
      ->required()->check(CLI::ExistingFile);
  app.add_option("--steps-per-frame", steps_per_frame, "MD steps between frames")->check(CLI::PositiveNumber);
  app.add_option("--window", window_c, "Sokal window constant c")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--groups", groups, "jackknife groups of molecules (default: one per molecule, at most 32)")
      ->check(CLI::Range(2, 100000));
  app.add_option("--max-relative-error", max_relative_error,
                 "warn when a standard error exceeds this fraction of tau (more molecules or a longer run fix it)")
      ->capture_default_str();
  app.add_option("--json", json_out, "also write the result as JSON to this file");
  CLI11_PARSE(app, argc, argv);
  try {
    const auto topo = drift::read_lammps_data(data);
    const auto torsions = drift::find_rotatable_torsions(topo);
    std::vector<Observable> obs;
    obs.push_back({"potential energy", "energy", {}});
    for (const auto& t : torsions) {
      const std::string s = t.symmetry == 1 ? "phi" : std::to_string(t.symmetry) + "*phi";
      obs.push_back({"cos(" + s + ") " + t.pooled_label, "label-free", {}});
      obs.push_back({"sin(" + s + ") " + t.pooled_label, "label-free", {}});
      obs.push_back({"cos(phi) " + t.label, "labelled", {}});
      obs.push_back({"sin(phi) " + t.label, "labelled", {}});
    }
    // Peptide backbones: cos/sin of phi and psi and the indicator of each Ramachandran basin
    // (unique atoms: label-free as they stand).
    const auto backbone = drift::find_ramachandran_pairs(topo);
    for (const auto& r : backbone) {
      const std::string ca = r.label.substr(0, r.label.find(' '));
      for (const char* f : {"cos(phi) ", "sin(phi) ", "cos(psi) ", "sin(psi) "}) obs.push_back({f + ca, "label-free", {}});
      for (int b = 0; b < drift::kRamachandranBasins; ++b)
        obs.push_back({std::string("in ") + drift::ramachandran_basin_name(b) + " " + ca, "label-free", {}});
    }
    // basin_of[pair][molecule]: the Ramachandran basin at each frame.
    std::vector<std::map<long, std::vector<int>>> basin_of(backbone.size());
    drift::ConformationSource source(input, topo);
    drift::Conformation c;
    bool energies = true;
    long conformations = 0;
    while (source.next(c)) {
      ++conformations;
      energies &= c.has_energy();
      size_t o = 0;
      obs[o++].by_molecule[c.molecule].push_back(c.energy);
      for (const auto& t : torsions) {
        const auto angles = drift::pooled_dihedrals(c.x, t);
        double cs = 0, sn = 0;
        for (double a : angles) {
          cs += std::cos(t.symmetry * a * M_PI / 180.0);
          sn += std::sin(t.symmetry * a * M_PI / 180.0);
        }
        obs[o++].by_molecule[c.molecule].push_back(cs / angles.size());
        obs[o++].by_molecule[c.molecule].push_back(sn / angles.size());
        obs[o++].by_molecule[c.molecule].push_back(std::cos(angles[0] * M_PI / 180.0));
        obs[o++].by_molecule[c.molecule].push_back(std::sin(angles[0] * M_PI / 180.0));
      }
      for (const auto& r : backbone) {
        const double phi = drift::dihedral_degrees(c.x, r.phi[0], r.phi[1], r.phi[2], r.phi[3]);
        const double psi = drift::dihedral_degrees(c.x, r.psi[0], r.psi[1], r.psi[2], r.psi[3]);
        for (double v : {std::cos(phi * M_PI / 180), std::sin(phi * M_PI / 180), std::cos(psi * M_PI / 180),
                         std::sin(psi * M_PI / 180)})
          obs[o++].by_molecule[c.molecule].push_back(v);
        const int basin = drift::ramachandran_basin(phi, psi);
        basin_of[&r - backbone.data()][c.molecule].push_back(basin);
        for (int b = 0; b < drift::kRamachandranBasins; ++b) obs[o++].by_molecule[c.molecule].push_back(basin == b ? 1.0 : 0.0);
      }
    }
    if (conformations == 0) throw std::runtime_error(input + ": no conformations");
    if (!energies) obs.erase(obs.begin());
    nlohmann::json j;
    j["trajectory"] = input;
    j["steps_per_frame"] = steps_per_frame;
    j["window_c"] = window_c;
    j["observables"] = nlohmann::json::array();
    struct Slowest {
      std::string name;
      double tau = -1, se = 0;
    };
    std::map<std::string, Slowest> slowest;  // by kind; "label-free" includes the energy
    nlohmann::json unresolved = nlohmann::json::array();
    std::string unresolved_rows;
    char line[512];
    std::printf("| observable | kind | tau_int (steps) | standard error | relative | window (frames) |\n|---|---|---|---|---|---|\n");
    size_t molecules = 0, frames = 0;
    bool too_short = false, too_noisy = false;
    for (const auto& o : obs) {
      std::vector<std::vector<double>> series;
      for (const auto& [mol, s] : o.by_molecule) series.push_back(s);
      const auto r = drift::integrated_autocorrelation_time(series, window_c, groups);
      molecules = r.series;
      frames = r.length;
      const double tau = r.tau * steps_per_frame, se = r.standard_error * steps_per_frame;
      if (std::isfinite(tau))
        std::printf("| %s | %s | %.1f | %.1f | %.1f%% | %ld |\n", o.name.c_str(), o.kind.c_str(), tau, se,
                  100 * r.relative_error(), r.window);
      auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
      j["observables"].push_back({{"name", o.name}, {"kind", o.kind}, {"tau_steps", num(tau)}, {"standard_error_steps", num(se)},
                                  {"window_frames", r.window}, {"jackknife_groups", r.groups}});
      if (!std::isfinite(r.tau)) j["observables"].back()["tau_lower_bound_steps"] = r.lower_bound * steps_per_frame;
      too_short |= !std::isfinite(r.tau);
      too_noisy |= std::isfinite(r.tau) && !(r.relative_error() <= max_relative_error);
      const std::string kind = o.kind == "labelled" ? "labelled" : "label-free";
      // The slowest observable whose tau the run resolves; those it cannot are listed with a bound.
      auto& best = slowest[kind];
      if (std::isfinite(tau) && tau > best.tau) best = {o.name, tau, se};
      if (!std::isfinite(tau)) {
        unresolved.push_back({{"name", o.name}, {"kind", kind}, {"tau_lower_bound_steps", r.lower_bound * steps_per_frame}});
        std::snprintf(line, sizeof line, "| %s | %s | > %.0f (window exceeds half the run) | | | |\n", o.name.c_str(), o.kind.c_str(),
                      r.lower_bound * steps_per_frame);
        unresolved_rows += line;
      }
    }
    if (!unresolved_rows.empty()) std::printf("%s", unresolved_rows.c_str());
    // Mean first-passage time into each basin: frames outside / entries (drift/first_passage.hpp).
    j["first_passage"] = nlohmann::json::array();
    for (size_t p = 0; p < backbone.size(); ++p) {
      const std::string ca = backbone[p].label.substr(0, backbone[p].label.find(' '));
      std::printf("\n| basin (%s) | population | entries | mean first-passage time (steps) | standard error | mean visit (steps) |\n"
                  "|---|---|---|---|---|---|\n", ca.c_str());
      size_t total = 0;
      for (const auto& [mol, b] : basin_of[p]) total += b.size();
      int rarest = -1;
      double rarest_population = 2;
      drift::FirstPassageTime rarest_passage;
      nlohmann::json rarest_entry;
      for (int b = 0; b < drift::kRamachandranBasins; ++b) {
        std::vector<std::vector<char>> inside;
        size_t in = 0;
        for (const auto& [mol, seq] : basin_of[p]) {
          inside.emplace_back(seq.size());
          for (size_t t = 0; t < seq.size(); ++t) in += (inside.back()[t] = seq[t] == b);
        }
        const auto f = drift::mean_first_passage_time(inside, groups);
        const double population = total ? static_cast<double>(in) / total : NAN;
        std::printf("| %s | %.4f | %ld | %.0f | %.0f | %.0f |\n", drift::ramachandran_basin_name(b), population, f.entries,
                    f.mean_frames * steps_per_frame, f.standard_error_frames * steps_per_frame, f.residence_frames * steps_per_frame);
        auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
        j["first_passage"].push_back({{"pair", ca}, {"basin", drift::ramachandran_basin_name(b)}, {"population", num(population)},
                                      {"entries", f.entries}, {"exits", f.exits},
                                      {"mean_first_passage_steps", num(f.mean_frames * steps_per_frame)},
                                      {"standard_error_steps", num(f.standard_error_frames * steps_per_frame)},
                                      {"mean_visit_steps", num(f.residence_frames * steps_per_frame)}});
        if (population > 0 && population < rarest_population)
          rarest = b, rarest_population = population, rarest_passage = f, rarest_entry = j["first_passage"].back();
      }
      if (rarest >= 0) {
        j["rare_basin"] = rarest_entry;
        std::printf("\nrarest basin visited: %s (population %.4f), mean first-passage time into it %.0f +- %.0f steps"
                    " (%ld entries)\n", drift::ramachandran_basin_name(rarest), rarest_population,
                    rarest_passage.mean_frames * steps_per_frame, rarest_passage.standard_error_frames * steps_per_frame,
                    rarest_passage.entries);
      }
    }
    j["molecules"] = molecules;
    j["frames_per_molecule"] = frames;
    j["unresolved"] = unresolved;
    for (const auto& [kind, s] : slowest) {
      if (s.name.empty()) continue;  // no observable of this kind is resolved: see "unresolved"
      j["slowest"][kind] = {{"name", s.name},
                            {"tau_steps", std::isfinite(s.tau) ? nlohmann::json(s.tau) : nlohmann::json(nullptr)},
                            {"standard_error_steps", std::isfinite(s.se) ? nlohmann::json(s.se) : nlohmann::json(nullptr)}};
      std::printf("\nslowest %s observable: %s, tau_int = %.0f +- %.0f steps", kind.c_str(), s.name.c_str(), s.tau, s.se);
    }
    for (const auto& u : unresolved)
      std::printf("\nnot resolved by this run (%s): %s, tau_int > %.0f steps", u["kind"].get<std::string>().c_str(),
                  u["name"].get<std::string>().c_str(), u["tau_lower_bound_steps"].get<double>());
    std::printf("\n(%zu molecules x %zu frames, %g steps per frame)\n", molecules, frames, steps_per_frame);
    if (too_short) std::cerr << "drift-torsion-acf: warning: the trajectory is too short for the window of some observable (tau = NaN)\n";
    if (too_noisy)
      std::cerr << "drift-torsion-acf: warning: some standard error exceeds " << 100 * max_relative_error
                << "% of tau: use more molecules or a longer run\n";
    if (!json_out.empty()) drift::write_file_atomically(json_out, j.dump(2) + "\n");
  } catch (const std::exception& e) {
    std::cerr << "drift-torsion-acf: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
