#include "drift/report.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "drift/atomic_file.hpp"

namespace drift {

namespace {

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

std::string fmt(double v, int precision = 3) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", precision, v);
  return buf;
}

std::string tol_label(double tol) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", tol);
  return buf;
}

nlohmann::json stein_json(const SteinDiscrepancy& s) {
  return {{"samples", s.count},
          {"ksd2", number_or_null(s.ksd2)},
          {"ksd2_standard_error", number_or_null(s.standard_error)},
          {"bandwidth_whitened", s.bandwidth},
          {"configurational_temperature_ratio", number_or_null(s.temperature_ratio)},
          {"configurational_temperature_ratio_error", number_or_null(s.temperature_ratio_error)}};
}

}  // namespace

std::string comparisons_to_json(const NamedEnsemble& reference, const std::vector<Comparison>& rows,
                                const MetricSettings& settings) {
  nlohmann::json j;
  j["reference"] = {{"label", reference.label},
                    {"samples", reference.stats->count()},
                    {"effective_samples", number_or_null(reference.stats->effective_sample_size())}};
  if (reference.stein.count) j["reference"]["stein"] = stein_json(reference.stein);
  j["settings"] = {{"hr_range_angstrom", {0.0, settings.r_max}},
                   {"hr_bin_angstrom", settings.dr},
                   {"torsion_bins", settings.torsion_bins},
                   {"torsion_w1_bins", settings.torsion_w1_bins},
                   {"ramachandran_bins", settings.ramachandran_bins},
                   {"validity_tolerances_angstrom", settings.validity_tolerances},
                   {"clash_distance_angstrom", settings.clash_distance},
                   {"jsd_log_base", "e"}};
  j["comparisons"] = nlohmann::json::array();
  for (const auto& c : rows) {
    nlohmann::json r;
    r["label"] = c.label;
    r["samples"] = c.n_sample;
    r["effective_samples"] = number_or_null(c.effective_samples);
    r["weighted"] = c.weighted;
    if (!c.weighting.method.empty()) {
      const auto& w = c.weighting;
      r["weighting"] = {{"method", w.method},
                        {"origin", w.origin},
                        {"conformations", w.count},
                        {"effective_samples", number_or_null(c.effective_samples)},
                        {"stein_identities", w.identities},
                        {"largest_identity_z_uniform", number_or_null(w.worst_z_before)},
                        {"largest_identity_z_weighted", number_or_null(w.worst_z_after)},
                        {"largest_identity", w.worst_identity},
                        {"bandwidth_whitened", number_or_null(w.bandwidth)},
                        {"gap", number_or_null(w.gap)},
                        {"steps", w.steps},
                        {"converged", w.converged},
                        {"seconds", w.seconds}};
    }
    r["hr_tvd"] = number_or_null(c.hr_tvd);
    r["pair_type_tvd_mean"] = number_or_null(c.pair_type_tvd_mean);
    for (const auto& [k, v] : c.pair_type_tvd) r["pair_type_tvd"][k] = number_or_null(v);
    r["bond_mae_angstrom"] = number_or_null(c.bond_mae);
    for (const auto& [tol, v] : c.validity) r["validity"][tol_label(tol)] = number_or_null(v);
    for (const auto& [k, v] : c.torsion_jsd) r["torsion_jsd"][k] = number_or_null(v);  // labelled
    r["torsion_jsd_max"] = number_or_null(c.torsion_jsd_max);
    r["torsion_jsd_label_free_max"] = number_or_null(c.torsion_jsd_label_free_max);
    r["torsion_w1_degrees_label_free_max"] = number_or_null(c.torsion_w1_label_free_max);
    r["torsion_w1_degrees_labelled_max"] = number_or_null(c.torsion_w1_labelled_max);
    r["well_z_label_free_max"] = number_or_null(c.well_z_label_free_max);
    r["torsions"] = nlohmann::json::array();
    for (const auto& t : c.torsions) {
      auto wells = [](const std::vector<TorsionComparison::Well>& ws) {
        auto a = nlohmann::json::array();
        for (const auto& w : ws)
          a.push_back({{"name", w.name}, {"lower_degrees", w.lower}, {"upper_degrees", w.upper}, {"peak_degrees", w.peak},
                       {"reference", number_or_null(w.reference.value)},
                       {"reference_standard_error", number_or_null(w.reference.standard_error)},
                       {"sample", number_or_null(w.sample.value)},
                       {"sample_standard_error", number_or_null(w.sample.standard_error)}, {"z", number_or_null(w.z)}});
        return a;
      };
      r["torsions"].push_back(
          {{"labelled", {{"atoms", t.label}, {"jsd", number_or_null(t.jsd_labelled)},
                         {"w1_degrees", number_or_null(t.w1_labelled)}, {"wells", wells(t.wells_labelled)}}},
           {"label_free", {{"atoms", t.pooled_label}, {"pooled_dihedrals", t.pooled}, {"rotor_symmetry", t.symmetry},
                           {"jsd", number_or_null(t.jsd_label_free)}, {"w1_degrees", number_or_null(t.w1_label_free)},
                           {"wells", wells(t.wells_label_free)}}}});
    }
    r["ramachandran"] = nlohmann::json::array();
    for (const auto& rc : c.ramachandran) {
      auto basins = nlohmann::json::array();
      for (const auto& b : rc.basins)
        basins.push_back({{"name", b.name}, {"reference", number_or_null(b.reference.value)},
                          {"reference_standard_error", number_or_null(b.reference.standard_error)},
                          {"sample", number_or_null(b.sample.value)},
                          {"sample_standard_error", number_or_null(b.sample.standard_error)}, {"z", number_or_null(b.z)}});
      r["ramachandran"].push_back({{"pair", rc.label}, {"jsd", number_or_null(rc.jsd)},
                                   {"torus_w2_radians", number_or_null(rc.torus_w2)}, {"basins", basins}});
    }
    if (!c.ramachandran.empty()) {
      r["ramachandran_jsd_max"] = number_or_null(c.ramachandran_jsd_max);
      r["ramachandran_basin_z_max"] = number_or_null(c.ramachandran_basin_z_max);
      r["ramachandran_w2_max_radians"] = number_or_null(c.ramachandran_w2_max);
    }
    r["energy"] = {{"samples_with_energy", c.n_energy_sample},
                   {"mean", number_or_null(c.energy_mean_sample)},
                   {"std", number_or_null(c.energy_std_sample)},
                   {"reference_mean", number_or_null(c.energy_mean_reference)},
                   {"reference_std", number_or_null(c.energy_std_reference)},
                   {"w1", number_or_null(c.energy_w1)},
                   {"w2", number_or_null(c.energy_w2)}};
    if (settings.kt > 0) {
      r["energy"]["w1_kt"] = number_or_null(c.energy_w1 / settings.kt);
      r["energy"]["w2_kt"] = number_or_null(c.energy_w2 / settings.kt);
    }
    if (c.stein.count) r["stein"] = stein_json(c.stein);
    j["comparisons"].push_back(r);
  }
  return j.dump(2) + "\n";
}

std::string comparisons_to_markdown(const NamedEnsemble& reference, const std::vector<Comparison>& rows,
                                    const MetricSettings& settings) {
  std::ostringstream md;
  md << "Reference: **" << reference.label << "** (" << reference.stats->count() << " conformations";
  const auto& rw = reference.stats->weights();
  if (std::any_of(rw.begin(), rw.end(), [&](double w) { return w != rw.front(); }))
    md << ", weighted by its frames' weights: ESS " << fmt(reference.stats->effective_sample_size(), 0);
  if (!reference.stats->energies().empty()) {
    double m, s;
    mean_and_std(reference.stats->energies(), reference.stats->energy_weights(), m, s);
    md << ", <E> = " << fmt(m, 2) << " +- " << fmt(s, 2);
  }
  md << ")\n\n| ensemble | samples |";
  for (double tol : settings.validity_tolerances) md << " valid@" << tol_label(tol) << " A |";
  md << " bond MAE (A) | h(r) TVD | per-type TVD | torsion JSD label-free (max) | torsion JSD labelled (max) | torsion W1 "
        "label-free (max, deg) | <E> | E W1 | E W2 |\n|---|---|";
  for (size_t k = 0; k < settings.validity_tolerances.size(); ++k) md << "---|";
  md << "---|---|---|---|---|---|---|---|---|\n";
  for (const auto& c : rows) {
    md << "| " << c.label << " | " << c.n_sample;
    if (c.weighted) md << " (ESS " << fmt(c.effective_samples, 0) << ")";
    md << " |";
    for (const auto& v : c.validity) md << " " << fmt(v.second, 3) << " |";
    md << " " << fmt(c.bond_mae, 4) << " | " << fmt(c.hr_tvd, 3) << " | " << fmt(c.pair_type_tvd_mean, 3) << " | "
       << fmt(c.torsion_jsd_label_free_max, 4) << " | " << fmt(c.torsion_jsd_max, 4) << " | "
       << fmt(c.torsion_w1_label_free_max, 2) << " | " << fmt(c.energy_mean_sample, 2) << " | " << fmt(c.energy_w1, 2)
       << " | " << fmt(c.energy_w2, 2)
       << " |\n";
  }
  if (!rows.empty() && settings.kt > 0) {
    md << "\nEnergy distributions in units of kT at the target (kT = " << fmt(settings.kt, 4)
       << "): Wasserstein-1 and -2 of the potential energy, and the mean's offset:\n\n"
          "| ensemble | E W1 (kT) | E W2 (kT) | <E> - <E>ref (kT) |\n|---|---|---|---|\n";
    for (const auto& c : rows)
      md << "| " << c.label << " | " << fmt(c.energy_w1 / settings.kt, 3) << " | " << fmt(c.energy_w2 / settings.kt, 3) << " | "
         << fmt((c.energy_mean_sample - c.energy_mean_reference) / settings.kt, 3) << " |\n";
  }
  if (!rows.empty()) {
    md << "\nPer pair type TVD:\n\n| ensemble |";
    for (const auto& [k, v] : rows[0].pair_type_tvd) md << " " << k << " |";
    md << "\n|---|";
    for (size_t k = 0; k < rows[0].pair_type_tvd.size(); ++k) md << "---|";
    md << "\n";
    for (const auto& c : rows) {
      md << "| " << c.label << " |";
      for (const auto& [k, v] : c.pair_type_tvd) md << " " << fmt(v, 3) << " |";
      md << "\n";
    }
    if (!rows[0].torsions.empty()) {
      md << "\nTorsions: label-free (pooled over equivalent end atoms) and labelled; JSD in nats, circular W1 in "
            "degrees:\n\n| ensemble |";
      for (const auto& t : rows[0].torsions)
        md << " " << t.pooled_label << " JSD | W1 | labelled " << t.label << " JSD | W1 |";
      md << "\n|---|";
      for (size_t k = 0; k < rows[0].torsions.size(); ++k) md << "---|---|---|---|";
      md << "\n";
      for (const auto& c : rows) {
        md << "| " << c.label << " |";
        for (const auto& t : c.torsions)
          md << " " << fmt(t.jsd_label_free, 4) << " | " << fmt(t.w1_label_free, 2) << " | " << fmt(t.jsd_labelled, 4)
             << " | " << fmt(t.w1_labelled, 2) << " |";
        md << "\n";
      }
      // Well populations: the reference's wells of each torsion; value +- standard error, and z.
      for (size_t t = 0; t < rows[0].torsions.size(); ++t)
        for (const bool pooled : {true, false}) {
          const auto& tr = rows[0].torsions[t];
          const auto& ref_wells = pooled ? tr.wells_label_free : tr.wells_labelled;
          if (ref_wells.size() < 2) continue;
          md << "\nWell populations of " << (pooled ? "label-free " + tr.pooled_label : "labelled " + tr.label)
             << " (value +- standard error; z = difference / combined standard error):\n\n| ensemble |";
          for (const auto& w : ref_wells) md << " " << w.name << " | z |";
          md << "\n|---|";
          for (size_t k = 0; k < ref_wells.size(); ++k) md << "---|---|";
          md << "\n| " << reference.label << " (reference) |";
          for (const auto& w : ref_wells) md << " " << fmt(w.reference.value, 4) << " +- " << fmt(w.reference.standard_error, 4) << " | |";
          md << "\n";
          for (const auto& c : rows) {
            md << "| " << c.label << " |";
            for (const auto& w : pooled ? c.torsions[t].wells_label_free : c.torsions[t].wells_labelled)
              md << " " << fmt(w.sample.value, 4) << " +- " << fmt(w.sample.standard_error, 4) << " | " << fmt(w.z, 1) << " |";
            md << "\n";
          }
        }
    }
  }
  if (!rows.empty() && !rows[0].ramachandran.empty()) {
    for (size_t p = 0; p < rows[0].ramachandran.size(); ++p) {
      const auto& rr = rows[0].ramachandran[p];
      md << "\nRamachandran " << rr.label << ": JSD (nats) of " << settings.ramachandran_bins << "x"
         << settings.ramachandran_bins << " torus histograms, torus Wasserstein-2 (radians, Sinkhorn over the bins), "
            "basin populations (value +- standard error; z):\n\n"
         << "| ensemble | JSD | W2 (rad) |";
      for (const auto& b : rr.basins) md << " " << b.name << " | z |";
      md << "\n|---|---|---|";
      for (size_t k = 0; k < rr.basins.size(); ++k) md << "---|---|";
      md << "\n| " << reference.label << " (reference) | | |";
      for (const auto& b : rr.basins) md << " " << fmt(b.reference.value, 4) << " +- " << fmt(b.reference.standard_error, 4) << " | |";
      md << "\n";
      for (const auto& c : rows) {
        md << "| " << c.label << " | " << fmt(c.ramachandran[p].jsd, 4) << " | " << fmt(c.ramachandran[p].torus_w2, 3) << " |";
        for (const auto& b : c.ramachandran[p].basins)
          md << " " << fmt(b.sample.value, 4) << " +- " << fmt(b.sample.standard_error, 4) << " | " << fmt(b.z, 1) << " |";
        md << "\n";
      }
    }
  }
  bool stein = reference.stein.count > 0;
  for (const auto& c : rows) stein |= c.stein.count > 0;
  if (stein) {
    md << "\nReference-free Boltzmann checks (forces at the samples): kernel Stein discrepancy KSD^2 (U-statistic, "
          "0 for Boltzmann samples) and configurational temperature ratio T_conf/T (1 for Boltzmann samples):\n\n"
          "| ensemble | samples | KSD^2 | T_conf / T |\n|---|---|---|---|\n";
    auto row = [&](const std::string& label, const SteinDiscrepancy& s) {
      if (!s.count) return;
      md << "| " << label << " | " << s.count << " | " << fmt(s.ksd2, 5) << " +- " << fmt(s.standard_error, 5) << " | "
         << fmt(s.temperature_ratio, 3) << " +- " << fmt(s.temperature_ratio_error, 3) << " |\n";
    };
    row(reference.label + " (reference)", reference.stein);
    for (const auto& c : rows) row(c.label, c.stein);
  }
  bool weights = false;
  for (const auto& c : rows) weights |= !c.weighting.method.empty();
  if (weights) {
    md << "\nImportance weights (docs/method.md): effective sample size ESS = (sum w)^2 / sum w^2; for Stein moment "
          "weights the largest |z| of the Stein identities E_p[A_p g] = 0 (about 3 for Boltzmann samples) before and "
          "after weighting. Weighted KSD^2 above omits the diagonal and is biased low: the weights were fitted to the "
          "same samples.\n\n"
          "| ensemble | method | weighted | ESS (ESS/n) | identities | largest identity |z|: uniform -> weighted | solver |\n"
          "|---|---|---|---|---|---|---|\n";
    for (const auto& c : rows) {
      const auto& w = c.weighting;
      if (w.method.empty()) continue;
      md << "| " << c.label << " | " << w.method << " | " << w.count << " | " << fmt(c.effective_samples, 0) << " ("
         << fmt(w.count ? c.effective_samples / w.count : NAN, 3) << ") | " << (w.identities ? std::to_string(w.identities) : "")
         << " | ";
      if (std::isfinite(w.worst_z_before))
        md << fmt(w.worst_z_before, 1) << " (" << w.worst_identity << ") -> " << fmt(w.worst_z_after, 1);
      md << " | ";
      if (w.method != "file")
        md << w.steps << " steps, gap " << fmt(w.gap, 8) << (w.converged ? "" : " NOT converged") << ", " << fmt(w.seconds, 1)
           << " s";
      md << " |\n";
    }
  }
  md << "\nDefinitions: h(r) TVD = 0.5 sum |p-q| over " << settings.dr << " A bins of all intramolecular distances in [0, "
     << settings.r_max << ") A plus an overflow bin; per-type TVD = mean of the same per element pair; bond MAE = mean over "
        "bonds of |<r_b> - <r_b>_ref|; valid@t = every bond within t of its reference mean length and no non-bonded pair "
        "closer than "
     << settings.clash_distance << " A; torsion JSD = Jensen-Shannon divergence (nats) of " << settings.torsion_bins
     << "-bin histograms of each rotatable torsion, labelled (the named atoms) and label-free (every dihedral over "
        "equivalent end atoms pooled, e.g. all three methyl H: a generator that permutes identical atoms scores as one "
        "that does not); torsion W1 = Wasserstein-1 distance on the circle (degrees, "
     << 360.0 / settings.torsion_w1_bins
     << "-degree bins); wells = arcs between the minima of the reference's density, populations with standard errors "
        "over independent molecules; E W1, E W2 = Wasserstein-1 and -2 distances of molecule potential energies "
        "(kcal/mol in LAMMPS real units).\n";
  return md.str();
}

namespace {

void write_columns(const std::string& path, const std::vector<double>& x, const std::vector<std::vector<double>>& ys) {
  std::ostringstream out;
  char buf[64];
  for (size_t i = 0; i < x.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%.6g", x[i]);
    out << buf;
    for (const auto& y : ys) {
      std::snprintf(buf, sizeof buf, " %.6g", i < y.size() ? y[i] : 0.0);
      out << buf;
    }
    out << "\n";
  }
  write_file_atomically(path, out.str());
}

std::vector<double> centres(const Histogram& h) {
  std::vector<double> c(h.bins());
  for (int k = 0; k < h.bins(); ++k) c[k] = h.centre(k);
  return c;
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("''") : std::string(1, ch);
  return q + "'";
}

std::string sanitize(std::string s) {
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s;
}

}  // namespace

std::vector<std::string> write_plots(const std::string& dir, const NamedEnsemble& reference,
                                     const std::vector<NamedEnsemble>& samples, const std::string& gnuplot) {
  std::vector<NamedEnsemble> all{reference};
  all.insert(all.end(), samples.begin(), samples.end());
  std::ostringstream gp;
  gp << "set terminal png size 1000,700 font ',11'\nset key top right\nset style data lines\n";
  std::vector<std::string> pngs;
  auto plot_block = [&](const std::string& name, const std::string& title, const std::string& xlabel,
                        const std::string& ylabel, const std::vector<double>& x,
                        const std::vector<std::vector<double>>& ys) {
    write_columns(dir + "/" + name + ".dat", x, ys);
    gp << "set output " << quote(dir + "/" + name + ".png") << "\nset title " << quote(title) << "\nset xlabel "
       << quote(xlabel) << "\nset ylabel " << quote(ylabel) << "\nplot ";
    for (size_t k = 0; k < all.size(); ++k)
      gp << (k ? ", " : "") << quote(dir + "/" + name + ".dat") << " using 1:" << k + 2 << " title " << quote(all[k].label)
         << " lw " << (k == 0 ? 3 : 2);
    gp << "\n";
    pngs.push_back(dir + "/" + name + ".png");
  };

  {
    std::vector<std::vector<double>> ys;
    for (const auto& e : all) ys.push_back(e.stats->all_pairs().density());
    plot_block("hr", "h(r): all intramolecular pair distances", "r (A)", "density (1/A)", centres(reference.stats->all_pairs()), ys);
  }
  for (size_t t = 0; t < reference.stats->pair_types().size(); ++t) {
    std::vector<std::vector<double>> ys;
    for (const auto& e : all) ys.push_back(e.stats->pair_type_histograms()[t].density());
    const std::string type = reference.stats->pair_types()[t];
    plot_block("pairs_" + sanitize(type), "pair distances " + type, "r (A)", "density (1/A)",
               centres(reference.stats->pair_type_histograms()[t]), ys);
  }
  for (size_t t = 0; t < reference.stats->torsions().size(); ++t) {
    // Label-free (pooled) on the left, labelled on the right: one PNG per torsion.
    const auto& tor = reference.stats->torsions()[t];
    std::vector<std::vector<double>> pooled, labelled;
    for (const auto& e : all) {
      pooled.push_back(e.stats->pooled_torsion_histograms()[t].density());
      labelled.push_back(e.stats->torsion_histograms()[t].density());
    }
    const std::string name = "torsion_" + sanitize(tor.label);
    const auto x = centres(reference.stats->torsion_histograms()[t]);
    write_columns(dir + "/" + name + "_label_free.dat", x, pooled);
    write_columns(dir + "/" + name + ".dat", x, labelled);
    gp << "set terminal png size 1600,650 font ',11'\nset output " << quote(dir + "/" + name + ".png") << "\n"
       << "set multiplot layout 1,2\nset xlabel 'angle (degrees)'\nset ylabel 'density (1/degree)'\nset xrange [-180:180]\n";
    for (const bool is_pooled : {true, false}) {
      const std::string file = dir + "/" + name + (is_pooled ? "_label_free.dat" : ".dat");
      gp << "set title " << quote(is_pooled ? "label-free: " + tor.pooled_label + " (pooled over equivalent atoms)" : "labelled: " + tor.label)
         << "\nplot ";
      for (size_t k = 0; k < all.size(); ++k)
        gp << (k ? ", " : "") << quote(file) << " using 1:" << k + 2 << " title " << quote(all[k].label) << " lw " << (k == 0 ? 3 : 2);
      gp << "\n";
    }
    gp << "unset multiplot\nset autoscale x\nset terminal png size 1000,700 font ',11'\n";
    pngs.push_back(dir + "/" + name + ".png");
  }
  for (size_t p = 0; p < reference.stats->ramachandran_pairs().size(); ++p) {
    // Ramachandran maps (one panel per ensemble, -ln of the density in kT above its minimum) and
    // the free-energy profile along phi.
    const int rb = reference.stats->settings().ramachandran_bins;
    const std::string name = "ramachandran_" + sanitize(reference.stats->ramachandran_pairs()[p].label.substr(
                                 0, reference.stats->ramachandran_pairs()[p].label.find(' ')));
    std::ofstream map(dir + "/" + name + ".dat");
    std::vector<std::vector<double>> profiles;
    const double width = 360.0 / rb;
    for (const auto& e : all) {
      const auto prob = e.stats->ramachandran_histograms()[p].probabilities();  // [under, bins..., over]
      double top = 0;
      for (int k = 0; k < rb * rb; ++k) top = std::max(top, prob[k + 1]);
      map << "# " << e.label << "\n";
      std::vector<double> marginal(rb, 0.0);
      for (int i = 0; i < rb; ++i) {
        for (int j = 0; j < rb; ++j) {
          const double v = prob[i * rb + j + 1];
          marginal[i] += v;
          map << -180 + (i + 0.5) * width << " " << -180 + (j + 0.5) * width << " "
              << (v > 0 && top > 0 ? -std::log(v / top) : NAN) << "\n";
        }
        map << "\n";
      }
      map << "\n\n";
      double mtop = 0;
      for (double v : marginal) mtop = std::max(mtop, v);
      for (double& v : marginal) v = v > 0 && mtop > 0 ? -std::log(v / mtop) : NAN;
      profiles.push_back(marginal);
    }
    map.close();
    const int cols = std::min<int>(3, static_cast<int>(all.size()));
    const int rows_n = (static_cast<int>(all.size()) + cols - 1) / cols;
    gp << "set terminal png size " << 520 * cols << "," << 470 * rows_n << " font ',10'\nset output "
       << quote(dir + "/" + name + ".png") << "\nset multiplot layout " << rows_n << "," << cols << "\n"
       << "set xrange [-180:180]\nset yrange [-180:180]\nset cbrange [0:8]\nset xlabel 'phi (degrees)'\n"
       << "set ylabel 'psi (degrees)'\nset cblabel 'free energy (kT)'\nset palette rgbformulae 33,13,10\n";
    for (size_t k = 0; k < all.size(); ++k)
      gp << "set title " << quote(all[k].label) << "\nplot " << quote(dir + "/" + name + ".dat") << " index " << k
         << " using 1:2:3 with image notitle\n";
    gp << "unset multiplot\nset autoscale\nunset cbrange\nset terminal png size 1000,700 font ',11'\n";
    pngs.push_back(dir + "/" + name + ".png");
    std::vector<double> x(rb);
    for (int i = 0; i < rb; ++i) x[i] = -180 + (i + 0.5) * width;
    plot_block(name + "_phi", "free energy along phi (" + reference.stats->ramachandran_pairs()[p].label + ")",
               "phi (degrees)", "-ln p(phi) (kT above the minimum)", x, profiles);
  }
  {
    // Bond-length deviation from the reference mean, all bonds pooled.
    const auto means = reference.stats->bond_means();
    const double hw = reference.stats->settings().bond_plot_halfwidth;
    std::vector<std::vector<double>> ys;
    Histogram proto(-hw, hw, 70);
    for (const auto& e : all) {
      Histogram h = proto;
      const auto& bl = e.stats->bond_lengths();
      const auto& w = e.stats->weights();
      for (size_t k = 0; k < bl.size(); ++k) h.add(bl[k] - means[k % means.size()], w[k / means.size()]);
      ys.push_back(h.density());
    }
    plot_block("bonds", "bond length minus reference mean, all bonds", "deviation (A)", "density (1/A)", centres(proto), ys);
  }
  {
    // Energies: common range over every ensemble that has them.
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& e : all)
      for (double v : e.stats->energies()) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    if (std::isfinite(lo) && hi > lo) {
      const double ref_hi = [&] {
        auto v = reference.stats->energies();
        if (v.empty()) return hi;
        std::sort(v.begin(), v.end());
        return v[static_cast<size_t>(0.999 * (v.size() - 1))] * 2.0 + 5.0;
      }();
      hi = std::min(hi, std::max(ref_hi, lo + 1.0));
      Histogram proto(lo, hi, 80);
      std::vector<std::vector<double>> ys;
      for (const auto& e : all) {
        Histogram h = proto;
        const auto& v = e.stats->energies();
        for (size_t k = 0; k < v.size(); ++k) h.add(v[k], e.stats->energy_weights()[k]);
        ys.push_back(h.density());
      }
      plot_block("energy", "molecule potential energy", "E (kcal/mol)", "density", centres(proto), ys);
    }
  }
  const std::string script = dir + "/plots.gp";
  write_file_atomically(script, gp.str());
  const std::string cmd = gnuplot + " " + quote(script) + " 2>" + quote(dir + "/gnuplot.log");
  if (std::system(cmd.c_str()) != 0)
    throw std::runtime_error("gnuplot failed on " + script + " (see " + dir + "/gnuplot.log)");
  return pngs;
}

}  // namespace drift
