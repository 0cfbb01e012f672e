// drift-compare: compares ensembles of one molecule (LAMMPS dumps or extended XYZ) against a
// reference ensemble and writes a metrics table (Markdown + JSON) and PNG plots.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "drift/atomic_file.hpp"
#include "drift/comparison.hpp"
#include "drift/conformation_source.hpp"
#include "drift/ensemble_stats.hpp"
#include "drift/error.hpp"
#include "drift/lammps_labeller.hpp"
#include "drift/stein.hpp"
#include "drift/stein_moments.hpp"
#include "drift/stein_weights.hpp"
#include "drift/text_lines.hpp"
#include "drift/train_config.hpp"
#include "drift/report.hpp"
#include "drift/topology.hpp"

namespace {

struct Options {
  std::string data_file, reference, output = "drift-compare-out", reference_label = "reference", forcefield;
  std::vector<std::string> samples, labels, limits;
  long max_samples = 0;
  bool plots = true, quiet = false;
  double ksd_temperature = 0, ksd_bandwidth = 1;
  long ksd_samples = 2000;
  bool stein_weights = false;
  drift::SteinWeightSettings weight_settings = [] {
    drift::SteinWeightSettings s;
    s.bandwidth = 1;  // the KSD's ruler (--ksd-bandwidth's default): the median heuristic solves slowly
    return s;
  }();
  drift::SteinMomentSettings moment_settings = [] {
    drift::SteinMomentSettings s;
    s.laplacian_powers = 6;  // drift-compare has the force field for the displaced copies
    return s;
  }();
  std::string stein_method = "moments";
  double stein_tolerance = 1e-4;
  std::vector<std::string> weight_specs;  // per sample: "-", "frames", "ensemble" or PATH[:COLUMN]
  std::string reference_weights = "auto";  // auto: the frames' weights when they carry them; none
  std::string units = "real";
  drift::MetricSettings metrics;
};

// A weighted copy of an ensemble: Stein importance weights, or weights from a file.
struct Weighted {
  std::unique_ptr<drift::EnsembleStats> stats;
  drift::SteinDiscrepancy ksd;       // weighted KSD^2 and T_conf; count 0 when not computed
  drift::WeightingSummary summary;
};

struct Ensemble {
  std::unique_ptr<drift::EnsembleStats> stats;
  drift::SteinDiscrepancy ksd;  // count 0: not computed
  std::optional<Weighted> weighted;
};

double target_beta(const Options& opt) { return 1.0 / (drift::boltzmann_constant(opt.units) * opt.ksd_temperature); }

// Fills what the Stein metrics (forces) and the energy metrics (energies) need from LAMMPS.
void label_missing(std::vector<drift::Conformation>& confs, const std::string& path, drift::LammpsLabeller* labeller,
                   bool need_forces) {
  std::vector<drift::Conformation> need;
  std::vector<size_t> where;
  for (size_t k = 0; k < confs.size(); ++k)
    if ((need_forces && !confs[k].has_forces()) || (labeller && !confs[k].has_energy())) {
      need.push_back(confs[k]);
      where.push_back(k);
    }
  if (need.empty()) return;
  if (!labeller)
    throw drift::InputError(path, 0, 0, "the kernel Stein discrepancy needs forces: the file has none; give --forcefield to compute them");
  labeller->label(need);
  for (size_t k = 0; k < need.size(); ++k) {
    auto& c = confs[where[k]];
    if (!c.has_forces()) c.f = need[k].f;
    if (!c.has_energy()) c.energy = need[k].energy;
  }
}

std::vector<drift::Conformation> read_conformations(const std::string& path, const drift::Topology& topo, long limit) {
  drift::ConformationSource source(path, topo);
  std::vector<drift::Conformation> confs;
  drift::Conformation c;
  while ((limit <= 0 || static_cast<long>(confs.size()) < limit) && source.next(c)) confs.push_back(c);
  return confs;
}

// Weights of a file column: one row per conformation, '#' comments, whitespace-separated columns.
std::vector<double> read_weight_column(const std::string& spec, size_t expected) {
  std::string path = spec;
  int column = 1;
  const auto colon = spec.find_last_of(':');
  if (colon != std::string::npos && colon + 1 < spec.size() &&
      spec.find_first_not_of("0123456789", colon + 1) == std::string::npos) {
    path = spec.substr(0, colon);
    column = std::stoi(spec.substr(colon + 1));
    if (column < 1) throw std::runtime_error("--weights " + spec + ": columns count from 1");
  }
  drift::LineReader lines(path);
  std::vector<double> w;
  std::string line;
  while (lines.next(line)) {
    const auto words = drift::split_words(line);
    if (words.empty() || words[0][0] == '#') continue;
    if (static_cast<int>(words.size()) < column)
      throw drift::InputError(path, lines.line_number(), 0, "expected at least " + std::to_string(column) + " columns");
    double v;
    if (!drift::parse_double(words[column - 1], v) || v < 0)
      throw drift::InputError(path, lines.line_number(), 0, "a weight must be a finite number >= 0, got '" +
                                                                std::string(words[column - 1]) + "'");
    if (w.size() >= expected)
      throw drift::InputError(path, lines.line_number(), 0, "more weights than the " + std::to_string(expected) +
                                                                " conformations read from the sample file");
    w.push_back(v);
  }
  if (w.size() != expected)
    throw drift::InputError(path, 0, 0, std::to_string(w.size()) + " weights for " + std::to_string(expected) +
                                            " conformations read from the sample file: give one weight per conformation");
  return w;
}

Weighted weighted_stats(const std::vector<drift::Conformation>& confs, const std::vector<double>& w,
                        const drift::Topology& topo, const Options& opt) {
  Weighted out;
  out.stats = std::make_unique<drift::EnsembleStats>(topo, opt.metrics);
  for (size_t k = 0; k < confs.size(); ++k) out.stats->add(confs[k], w[k]);
  return out;
}

void write_weights(const std::string& file, const std::vector<drift::Conformation>& confs, const std::vector<double>& w,
                   const std::string& source, const drift::SteinWeights& s) {
  std::string text = "# Stein importance weights of the first " + std::to_string(confs.size()) + " conformations of " + source +
                     "\n# ESS " + std::to_string(s.effective_sample_size) + ", QP gap " + std::to_string(s.gap) +
                     (s.converged ? "" : " (NOT converged)") + "\n# weight frame molecule\n";
  char buf[96];
  for (size_t k = 0; k < confs.size(); ++k) {
    std::snprintf(buf, sizeof buf, "%.10g %ld %ld\n", w[k], confs[k].frame, confs[k].molecule);
    text += buf;
  }
  drift::write_file_atomically(file, text);
}

Ensemble read_ensemble(const std::string& path, const drift::Topology& topo, const Options& opt,
                       drift::LammpsLabeller* labeller, const drift::SteinMetric* metric, const std::string& weight_spec = "-",
                       const std::string& weights_file = "") {
  Ensemble out;
  // "ensemble": the frames' weights define the ensemble (e.g. a biased MD reweighted by drift-bias),
  // so it has one row, weighted; "frames" adds a weighted row beside the unweighted one.
  const bool own = weight_spec == "ensemble";
  auto own_weight = [&](const drift::Conformation& c) {
    if (!c.has_weight())
      throw drift::InputError(path, 0, c.frame, "this conformation carries no weight (a 'weight' column in a dump, weight= in "
                                                "extxyz), but the ensemble is weighted by its frames' weights");
    return c.weight;
  };
  if (metric) {
    // The first --ksd-samples conformations with forces (from the file, or from LAMMPS) give the
    // reference-free Stein metrics, and the Stein weights.
    auto confs = read_conformations(path, topo, opt.ksd_samples);
    label_missing(confs, path, labeller, true);
    if (own) {
      std::vector<double> w;
      for (const auto& c : confs) w.push_back(own_weight(c));
      out.ksd = drift::weighted_kernel_stein_discrepancy(confs, w, target_beta(opt), *metric, opt.ksd_bandwidth,
                                                         opt.weight_settings.threads);
    } else {
      out.ksd = drift::kernel_stein_discrepancy(confs, target_beta(opt), *metric, opt.ksd_bandwidth);
    }
    if (opt.stein_weights && weight_spec == "-") {  // "none": the reference
      auto s = opt.stein_method == "kernel"
                   ? drift::stein_importance_weights(confs, target_beta(opt), *metric, opt.weight_settings)
                   : drift::stein_moment_weights(confs, target_beta(opt), *metric, topo, opt.moment_settings,
                                                 [&](std::vector<drift::Conformation>& c) { labeller->label(c); });
      if (!opt.quiet) {
        std::cerr << "  " << path << ": " << opt.stein_method << " Stein weights of " << confs.size()
                  << " conformations: ESS " << s.effective_sample_size << " (" << s.effective_sample_size / confs.size()
                  << " n), " << s.steps << " steps, gap " << s.gap << (s.converged ? "" : " NOT converged") << ", "
                  << s.kernel_seconds << " s + " << s.solve_seconds << " s";
        if (s.features)
          std::cerr << "; " << s.features << " Stein identities, largest |z| " << s.moment_z_uniform << " ("
                    << s.worst_moment << ") -> " << s.moment_z_weighted;
        std::cerr << "\n";
      }
      if (!s.converged)
        std::cerr << "drift-compare: warning: the Stein weights of " << path << " did not reach the tolerance "
                  << opt.stein_tolerance << " (gap " << s.gap << "): raise --stein-tolerance or use fewer --ksd-samples\n";
      // The measured limits (docs/method.md): a collapsed ESS, or identities the weights cannot
      // meet, mean the samples are too far from the target for a reweighting to be trusted.
      if (s.effective_sample_size < 0.05 * confs.size() || (s.features && s.moment_z_weighted > 5))
        std::cerr << "drift-compare: warning: the Stein weights of " << path << " are not to be trusted: ESS/n "
                  << s.effective_sample_size / confs.size()
                  << (s.features ? ", largest weighted identity |z| " + std::to_string(s.moment_z_weighted) : std::string())
                  << " (the samples are too far from the target for weights to correct; docs/method.md)\n";
      if (!weights_file.empty()) write_weights(weights_file, confs, s.weights, path, s);
      Weighted w = weighted_stats(confs, s.weights, topo, opt);
      // The same ruler as the unweighted KSD (IMQ, --ksd-bandwidth), whichever method chose the weights.
      w.ksd = drift::weighted_kernel_stein_discrepancy(confs, s.weights, target_beta(opt), *metric, opt.ksd_bandwidth,
                                                       opt.weight_settings.threads);
      auto& m = w.summary;
      m.method = opt.stein_method;
      m.origin = opt.stein_method == "kernel" ? "Stein kernel weights" : "Stein moment weights";
      m.count = confs.size();
      m.identities = s.features;
      if (s.features) {
        m.worst_z_before = s.moment_z_uniform;
        m.worst_z_after = s.moment_z_weighted;
        m.worst_identity = s.worst_moment;
      }
      if (opt.stein_method == "kernel") m.bandwidth = s.bandwidth;
      m.gap = s.gap;
      m.steps = s.steps;
      m.converged = s.converged;
      m.seconds = s.kernel_seconds + s.solve_seconds;
      out.weighted = std::move(w);
    }
  }
  if (weight_spec != "-" && weight_spec != "none" && !own) {
    auto confs = read_conformations(path, topo, opt.max_samples);
    if (confs.empty()) throw drift::InputError(path, 0, 0, "no conformations");
    std::vector<double> w;
    std::string origin;
    if (weight_spec == "frames") {
      for (const auto& c : confs) {
        if (!c.has_weight())
          throw drift::InputError(path, 0, c.frame, "--weights frames: this frame has no weight= in its comment line");
        w.push_back(c.weight);
      }
      origin = "weights from the frames";
    } else {
      w = read_weight_column(weight_spec, confs.size());
      origin = "weights from " + weight_spec;
    }
    label_missing(confs, path, labeller, false);
    Weighted weighted = weighted_stats(confs, w, topo, opt);
    weighted.summary.method = "file";
    weighted.summary.origin = origin;
    weighted.summary.count = confs.size();
    if (metric) {
      const size_t m = std::min<size_t>(confs.size(), static_cast<size_t>(opt.ksd_samples));
      std::vector<drift::Conformation> head(confs.begin(), confs.begin() + m);
      label_missing(head, path, labeller, true);
      weighted.ksd = drift::weighted_kernel_stein_discrepancy(head, std::vector<double>(w.begin(), w.begin() + m),
                                                              target_beta(opt), *metric, opt.ksd_bandwidth,
                                                              opt.weight_settings.threads);
    }
    out.weighted = std::move(weighted);
  }
  auto stats = std::make_unique<drift::EnsembleStats>(topo, opt.metrics);
  drift::ConformationSource source(path, topo);
  std::vector<drift::Conformation> pending;
  auto t0 = std::chrono::steady_clock::now();
  long n = 0, labelled = 0;
  auto flush = [&] {
    if (pending.empty()) return;
    if (labeller) {
      std::vector<drift::Conformation> need;
      for (auto& c : pending)
        if (!c.has_energy()) need.push_back(c);
      labeller->label(need);
      labelled += static_cast<long>(need.size());
      size_t k = 0;
      for (auto& c : pending)
        if (!c.has_energy()) c.energy = need[k++].energy;
    }
    for (const auto& c : pending) stats->add(c, own ? own_weight(c) : 1.0);
    pending.clear();
  };
  drift::Conformation c;
  while ((opt.max_samples <= 0 || n < opt.max_samples) && source.next(c)) {
    pending.push_back(std::move(c));
    ++n;
    if (static_cast<int>(pending.size()) >= (labeller ? labeller->batch() : 4096)) flush();
    if (!opt.quiet && isatty(2) && n % 20000 == 0) std::cerr << "  " << path << ": " << n << " conformations\r" << std::flush;
  }
  flush();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!opt.quiet) {
    std::cerr << "  " << path << ": " << n << " conformations";
    if (labelled) std::cerr << " (" << labelled << " energies from LAMMPS)";
    std::cerr << " in " << secs << " s";
    if (own) std::cerr << ", weighted by their frames' weights (ESS " << stats->effective_sample_size() << ")";
    std::cerr << "\n";
  }
  if (stats->energies().size() != stats->count() && !stats->energies().empty())
    throw drift::InputError(path, 0, 0, "only some conformations carry energies; give --forcefield to compute the rest");
  out.stats = std::move(stats);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{
      "drift-compare: compare ensembles of one molecule against a reference ensemble.\n"
      "Inputs are LAMMPS text dumps (id type x y z [mol fx fy fz c_pe], any column order) or extended XYZ\n"
      "(one molecule per frame, energy=... in the comment line). Energies come from the files (dump column\n"
      "c_pe summed per molecule, or extxyz energy=); with --forcefield, missing energies are computed by\n"
      "LAMMPS through its library interface.\n\n"
      "Metrics (against the reference):\n"
      "  h(r) TVD      0.5*sum|p-q| over histograms of all intramolecular distances: bins of --dr A on\n"
      "                [0, --rmax) A plus one overflow bin.\n"
      "  per-type TVD  the same per element pair (C-C, C-H, ...), and their mean.\n"
      "  bond MAE      mean over bonds of |<r_b>_sample - <r_b>_reference| (A).\n"
      "  valid@t       fraction of conformations with every bond within t A of its reference mean length\n"
      "                and no non-bonded pair closer than --clash A.\n"
      "  torsion JSD   Jensen-Shannon divergence (nats, max ln 2) of --torsion-bins histograms over\n"
      "                [-180,180) of each rotatable torsion (non-terminal, non-ring bonds; the heaviest\n"
      "                neighbour on each side defines the labelled angle). Label-free: the dihedrals of every\n"
      "                end atom equivalent to those (same type and bonded environment, e.g. the three H of a\n"
      "                methyl group) pooled, so permuting identical atoms costs nothing; labelled: the named\n"
      "                atoms only.\n"
      "  torsion W1    Wasserstein-1 distance on the circle (degrees) of the same, labelled and label-free.\n"
      "  wells         populations of the wells of the reference's torsion density (arcs between its\n"
      "                minima), with standard errors over independent molecules, and z of each difference.\n"
      "  E W1          exact Wasserstein-1 distance between the molecule potential-energy distributions.\n"
      "  Ramachandran  for peptides (backbone found from the bond graph: C'-N-CA-C' and N-CA-C'-N): JSD of\n"
      "                36x36 (phi, psi) histograms and the populations of the C5, C7eq, alphaR and alphaL/C7ax\n"
      "                basins with standard errors and z.\n"};
  app.add_option("-d,--data", opt.data_file, "LAMMPS data file of the molecule (atom types, masses, bonds)")
      ->required()->check(CLI::ExistingFile);
  app.add_option("reference", opt.reference, "reference ensemble (dump or extxyz)")->required()->check(CLI::ExistingFile);
  app.add_option("samples", opt.samples, "ensembles to compare with the reference")->required()->check(CLI::ExistingFile);
  app.add_option("-l,--label", opt.labels, "label of each sample ensemble, in order (default: file name)");
  app.add_option("--reference-label", opt.reference_label, "label of the reference ensemble")->capture_default_str();
  app.add_option("-o,--output", opt.output, "output directory for report.md, metrics.json and plots")->capture_default_str();
  app.add_option("--forcefield", opt.forcefield,
                 "LAMMPS input with units/atom_style/styles (read before the data file): computes missing energies")
      ->check(CLI::ExistingFile);
  app.add_option("--max-samples", opt.max_samples, "read at most this many conformations per file (0: all)")->capture_default_str();
  app.add_option("--rmax", opt.metrics.r_max, "h(r) range in Angstrom")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--dr", opt.metrics.dr, "h(r) bin width in Angstrom")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--torsion-bins", opt.metrics.torsion_bins, "bins per torsion histogram")->capture_default_str()->check(CLI::Range(4, 3600));
  app.add_option("--tolerances", opt.metrics.validity_tolerances, "bond tolerances for validity (Angstrom)")
      ->delimiter(',')->capture_default_str();
  app.add_option("--clash", opt.metrics.clash_distance, "closest allowed non-bonded distance (Angstrom)")->capture_default_str();
  app.add_flag("!--no-plots", opt.plots, "skip the PNG plots");
  app.add_option("--max", opt.limits,
                 "fail (exit 3) when a metric of any sample exceeds a limit: NAME=VALUE with NAME one of hr_tvd, "
                 "pair_type_tvd, bond_mae, torsion_jsd (labelled), torsion_jsd_label_free, torsion_w1_label_free (degrees), "
                 "well_z_label_free (largest |z| of a well population), ramachandran_jsd, ramachandran_w2 (radians), ramachandran_basin_z "
                 "(largest |z| of a basin population), energy_w1, energy_mean_diff, ksd (KSD^2), "
                 "invalid@TOL (1 - valid fraction)");
  app.add_option("--ksd-temperature", opt.ksd_temperature,
                 "target temperature (K): adds the reference-free kernel Stein discrepancy and configurational "
                 "temperature of every ensemble, from forces at the samples (files' forces, else --forcefield)")
      ->check(CLI::PositiveNumber);
  app.add_option("--ksd-samples", opt.ksd_samples, "conformations per ensemble for the Stein metrics")
      ->capture_default_str()->check(CLI::Range(2L, 100000L));
  app.add_option("--ksd-bandwidth", opt.ksd_bandwidth, "IMQ kernel bandwidth in Fisher-whitened units")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_flag("--stein-weights", opt.stein_weights,
               "adds, for every sample ensemble, a row weighted by Stein importance weights (black-box importance "
               "sampling: the weights on the simplex that minimise the weighted KSD of the first --ksd-samples "
               "conformations, from forces only; docs/method.md); needs --ksd-temperature. Weights are written to "
               "OUTPUT/stein-weights-K.txt (K = the sample's position, from 1)");
  app.add_option("--stein-bandwidth", opt.weight_settings.bandwidth,
                 "IMQ bandwidth of the weights in whitened units; <= 0: the median distance between the whitened "
                 "samples times |value| (0: 1)")->capture_default_str();
  app.add_option("--stein-tolerance", opt.stein_tolerance,
                 "the weights' QP counts as solved when its certified gap is below this fraction of the objective")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--stein-method", opt.stein_method,
                 "moments: weights closest to uniform whose Stein moments vanish (degree-1 fields and torsion "
                 "harmonics); kernel: black-box importance sampling, the simplex QP of the IMQ Stein kernel")
      ->capture_default_str()->check(CLI::IsMember({"moments", "kernel"}));
  app.add_option("--stein-degree", opt.moment_settings.degree, "moments: monomial degree of the test fields")
      ->capture_default_str()->check(CLI::Range(0, 4));
  app.add_option("--stein-cross-modes", opt.moment_settings.cross_modes,
                 "moments: also the fields that couple two modes (d^2 identities at degree 1 instead of 2 d): "
                 "1 yes, 0 no, -1 when there are 10 conformations per identity")
      ->capture_default_str()->check(CLI::Range(-1, 1));
  app.add_option("--stein-harmonics", opt.moment_settings.torsion_harmonics,
                 "moments: torsion harmonics per rotatable torsion (0: none)")->capture_default_str()->check(CLI::Range(0, 12));
  app.add_option("--stein-energy-powers", opt.moment_settings.energy_powers,
                 "moments: energy-resolved virial identities, powers 1..this of the standardised energy (0: none)")
      ->capture_default_str()->check(CLI::Range(0, 8));
  app.add_option("--stein-laplacian-powers", opt.moment_settings.laplacian_powers,
                 "moments: energy-resolved configurational-temperature identities, powers 0..this-1 of the "
                 "standardised energy (each costs 2 (3N - 6) force evaluations per conformation; 0: none)")
      ->capture_default_str()->check(CLI::Range(0, 8));
  app.add_option("--stein-ridge", opt.moment_settings.ridge, "moments: weight of sum w^2 per sample against the moments")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--threads", opt.weight_settings.threads, "threads for the Stein weights' kernel (0: all)")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--weights", opt.weight_specs,
                 "per sample ensemble, in order: '-' (none), 'frames' (the weight= key of each extxyz frame, as the "
                 "fix writes with 'reweight yes') or FILE[:COLUMN] (one weight per conformation, '#' comments, "
                 "column 1 unless given): adds a row of the weighted ensemble; 'ensemble': the frames' weights (a "
                 "'weight' dump column or weight=) define the ensemble, e.g. a biased MD reweighted by drift-bias: one "
                 "row, weighted");
  app.add_option("--reference-weights", opt.reference_weights,
                 "auto: a reference whose frames carry weights (e.g. a biased MD reweighted by drift-bias) is that "
                 "weighted ensemble; none: its weights are ignored")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "none"}));
  app.add_option("--units", opt.units, "LAMMPS units of the files' forces (for beta = 1/kT)")->capture_default_str();
  app.add_flag("-q,--quiet", opt.quiet, "no progress output");
  CLI11_PARSE(app, argc, argv);

  try {
    if (!opt.labels.empty() && opt.labels.size() != opt.samples.size())
      throw std::runtime_error("give one --label per sample ensemble (" + std::to_string(opt.samples.size()) + " samples, " +
                               std::to_string(opt.labels.size()) + " labels)");
    if (opt.labels.empty())
      for (const auto& s : opt.samples) opt.labels.push_back(s.substr(s.find_last_of('/') + 1));
    if (!opt.weight_specs.empty() && opt.weight_specs.size() != opt.samples.size())
      throw std::runtime_error("give one --weights per sample ensemble ('-' for none): " + std::to_string(opt.samples.size()) +
                               " samples, " + std::to_string(opt.weight_specs.size()) + " --weights");
    opt.weight_specs.resize(opt.samples.size(), "-");
    opt.moment_settings.threads = opt.weight_settings.threads;
    opt.moment_settings.tolerance = opt.weight_settings.tolerance = opt.stein_tolerance;
    if (opt.stein_weights && !(opt.ksd_temperature > 0))
      throw std::runtime_error("--stein-weights needs --ksd-temperature (the target temperature) and --forcefield");
    const drift::Topology topo = drift::read_lammps_data(opt.data_file);
    if (!opt.quiet)
      std::cerr << "drift-compare: molecule of " << topo.n_atoms << " atoms and " << topo.bonds.size() << " bonds from "
                << opt.data_file << "\n";
    std::unique_ptr<drift::LammpsLabeller> labeller;
    if (!opt.forcefield.empty()) {
      drift::LabellerSettings ls;
      ls.data_file = opt.data_file;
      ls.forcefield_file = opt.forcefield;
      labeller = std::make_unique<drift::LammpsLabeller>(topo, ls);
    }
    if (opt.ksd_temperature > 0) opt.metrics.kt = drift::boltzmann_constant(opt.units) * opt.ksd_temperature;
    // The Stein metrics' ruler: beta H of the force field at the data file's structure.
    std::unique_ptr<drift::SteinMetric> metric;
    if (opt.ksd_temperature > 0) {
      if (!labeller)
        throw std::runtime_error("--ksd-temperature needs --forcefield (the metric is the force field's Hessian at the data file's structure)");
      const double beta = 1.0 / (drift::boltzmann_constant(opt.units) * opt.ksd_temperature);
      metric = std::make_unique<drift::SteinMetric>(
          drift::stein_metric(topo.template_positions, beta, [&](std::vector<drift::Conformation>& c) { labeller->label(c); }));
    }
    // The reference is weighted only by weights that define it (a biased MD reweighted by drift-bias):
    // Stein weights and weight files are for the ensembles compared with it.
    bool reference_weighted = false;
    if (opt.reference_weights == "auto") {
      drift::ConformationSource first(opt.reference, topo);
      drift::Conformation c;
      reference_weighted = first.next(c) && c.has_weight();
    }
    auto reference_ensemble =
        read_ensemble(opt.reference, topo, opt, labeller.get(), metric.get(), reference_weighted ? "ensemble" : "none");
    auto& reference = reference_ensemble.stats;
    std::vector<std::unique_ptr<drift::EnsembleStats>> samples;
    std::vector<drift::Comparison> rows;
    mkdir(opt.output.c_str(), 0755);
    struct stat st;
    if (stat(opt.output.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      throw std::runtime_error(opt.output + ": cannot create the output directory");
    std::vector<std::string> sample_labels;
    for (size_t k = 0; k < opt.samples.size(); ++k) {
      const std::string weights_file = opt.output + "/stein-weights-" + std::to_string(k + 1) + ".txt";
      auto e = read_ensemble(opt.samples[k], topo, opt, labeller.get(), metric.get(), opt.weight_specs[k], weights_file);
      samples.push_back(std::move(e.stats));
      sample_labels.push_back(opt.labels[k]);
      rows.push_back(drift::compare(*reference, *samples.back(), opt.labels[k]));
      rows.back().stein = e.ksd;
      if (e.weighted) {
        samples.push_back(std::move(e.weighted->stats));
        sample_labels.push_back(opt.labels[k] + ", " + e.weighted->summary.origin);
        rows.push_back(drift::compare(*reference, *samples.back(), sample_labels.back()));
        rows.back().stein = e.weighted->ksd;
        rows.back().weighting = e.weighted->summary;
      }
    }
    const drift::NamedEnsemble ref{opt.reference_label, reference.get(), reference_ensemble.ksd};
    const std::string md = drift::comparisons_to_markdown(ref, rows, opt.metrics);
    std::vector<std::string> pngs;
    if (opt.plots) {
      std::vector<drift::NamedEnsemble> named;
      for (size_t k = 0; k < samples.size(); ++k) named.push_back({sample_labels[k], samples[k].get()});
      pngs = drift::write_plots(opt.output, ref, named);
    }
    std::string report = "# drift-compare report\n\n" + md;
    if (!pngs.empty()) {
      report += "\n## Plots\n\n";
      for (const auto& p : pngs) {
        const std::string name = p.substr(p.find_last_of('/') + 1);
        report += "![" + name + "](" + name + ")\n";
      }
    }
    drift::write_file_atomically(opt.output + "/report.md", report);
    drift::write_file_atomically(opt.output + "/metrics.json", drift::comparisons_to_json(ref, rows, opt.metrics));
    std::cout << md;
    int exceeded = 0;
    for (const auto& limit : opt.limits) {
      const auto eq = limit.find('=');
      if (eq == std::string::npos) throw std::runtime_error("--max expects NAME=VALUE, got '" + limit + "'");
      const std::string name = limit.substr(0, eq);
      const double bound = std::stod(limit.substr(eq + 1));
      for (const auto& r : rows) {
        double value;
        if (name == "hr_tvd") value = r.hr_tvd;
        else if (name == "pair_type_tvd") value = r.pair_type_tvd_mean;
        else if (name == "bond_mae") value = r.bond_mae;
        else if (name == "torsion_jsd") value = r.torsion_jsd_max;
        else if (name == "torsion_jsd_label_free") value = r.torsion_jsd_label_free_max;
        else if (name == "torsion_w1_label_free") value = r.torsion_w1_label_free_max;
        else if (name == "well_z_label_free") value = r.well_z_label_free_max;
        else if (name == "energy_w1") value = r.energy_w1;
        else if (name == "ramachandran_jsd" || name == "ramachandran_basin_z" || name == "ramachandran_w2") {
          if (r.ramachandran.empty()) throw std::runtime_error("--max " + name + ": the molecule has no peptide backbone (phi, psi)");
          value = name == "ramachandran_jsd" ? r.ramachandran_jsd_max
                  : name == "ramachandran_w2" ? r.ramachandran_w2_max : r.ramachandran_basin_z_max;
        }
        else if (name == "energy_mean_diff") value = std::fabs(r.energy_mean_sample - r.energy_mean_reference);
        else if (name == "ksd") {
          if (r.stein.count == 0) throw std::runtime_error("--max ksd needs --ksd-temperature");
          value = r.stein.ksd2;
        }
        else if (name.rfind("invalid@", 0) == 0) {
          const double tol = std::stod(name.substr(8));
          value = NAN;
          for (const auto& [t, v] : r.validity)
            if (std::fabs(t - tol) < 1e-12) value = 1.0 - v;
          if (std::isnan(value)) throw std::runtime_error("--max " + name + ": tolerance not among --tolerances");
        } else
          throw std::runtime_error("--max: unknown metric '" + name + "'");
        const bool ok = value <= bound;
        std::cerr << "  check " << r.label << ": " << name << " = " << value << (ok ? " <= " : " > ") << bound
                  << (ok ? "  ok\n" : "  EXCEEDED\n");
        exceeded += !ok;
      }
    }
    if (exceeded) {
      std::cerr << "drift-compare: " << exceeded << " check(s) exceeded their limit\n";
      return 3;
    }
    if (!opt.quiet) std::cerr << "drift-compare: wrote " << opt.output << "/report.md, metrics.json and " << pngs.size() << " plots\n";
  } catch (const std::exception& e) {
    std::cerr << "drift-compare: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
