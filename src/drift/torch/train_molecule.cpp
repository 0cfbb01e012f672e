#include "drift/torch/train_molecule.hpp"

#include <torch/torch.h>

#include <cstring>
#include <functional>
#include <memory>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <yaml-cpp/yaml.h>

#include "drift/conformation_source.hpp"
#include "drift/hessian.hpp"
#include "drift/lammps_labeller.hpp"
#include "drift/stein.hpp"
#include "drift/topology.hpp"
#include "drift/torsions.hpp"
#include "drift/torch/features.hpp"
#include "drift/torch/guidance.hpp"
#include "drift/torch/model_file.hpp"
#include "drift/torch/trainer.hpp"

#ifndef DRIFT_VERSION
#define DRIFT_VERSION "dev"
#endif

namespace drift {

namespace {

std::string fingerprint(const torch::Tensor& x) {
  // FNV-1a over the float32 coordinates: identifies the training set.
  auto c = x.contiguous().to(torch::kFloat32);
  const auto* p = reinterpret_cast<const unsigned char*>(c.data_ptr<float>());
  uint64_t h = 1469598103934665603ULL;
  for (int64_t k = 0; k < c.numel() * 4; ++k) h = (h ^ p[k]) * 1099511628211ULL;
  char buf[32];
  std::snprintf(buf, sizeof buf, "fnv1a64:%016llx", static_cast<unsigned long long>(h));
  return buf;
}

torch::Tensor pair_tensor(const std::vector<std::array<int64_t, 2>>& pairs) {
  auto t = torch::empty({static_cast<int64_t>(pairs.size()), 2}, torch::kInt64);
  for (size_t k = 0; k < pairs.size(); ++k) {
    t[k][0] = pairs[k][0];
    t[k][1] = pairs[k][1];
  }
  return t;
}

// The Stein ruler of the fix's in-run KSD check (`stein_metric:` of the manifest): the same metric
// drift-compare builds from the data file's structure and the force field.
SteinMetric stein_metric_of(const TrainConfig& cfg, const Topology& topo, double beta) {
  LabellerSettings ls;
  ls.data_file = cfg.resolve(cfg.molecule);
  ls.forcefield_file = cfg.resolve(cfg.forcefield);
  LammpsLabeller labeller(topo, ls);
  return stein_metric(topo.template_positions, beta, [&](std::vector<Conformation>& c) { labeller.label(c); });
}

// The energy group's feature: beta E of each conformation from LAMMPS (the config's molecule and
// force field), shifted by the data's mean; above the data's largest value it grows only
// logarithmically, so that a broken generated sample (a clash: 1e4 kT) neither dominates the
// field's distance scale nor loses its gradient. d feature / dx = -beta F times the transform's slope.
std::function<std::pair<torch::Tensor, torch::Tensor>(const torch::Tensor&)> energy_feature(
    const TrainConfig& cfg, const Topology& topo, double beta, const torch::Tensor& data, bool quiet) {
  LabellerSettings ls;
  ls.data_file = cfg.resolve(cfg.molecule);
  ls.forcefield_file = cfg.resolve(cfg.forcefield);
  auto labeller = std::make_shared<LammpsLabeller>(topo, ls);
  const int n = topo.n_atoms;
  auto beta_energy_and_score = [labeller, beta, n](const torch::Tensor& x) {
    const auto xd = x.to(torch::kFloat64).contiguous();
    const int64_t b = xd.size(0);
    std::vector<Conformation> confs(b);
    for (int64_t k = 0; k < b; ++k) {
      confs[k].x.assign(xd[k].data_ptr<double>(), xd[k].data_ptr<double>() + 3 * n);
      confs[k].frame = k + 1;
    }
    labeller->label(confs);
    auto e = torch::empty({b}, torch::kFloat64);
    auto f = torch::empty({b, n, 3}, torch::kFloat64);
    for (int64_t k = 0; k < b; ++k) {
      e[k] = beta * confs[k].energy;
      std::memcpy(f[k].data_ptr<double>(), confs[k].f.data(), sizeof(double) * 3 * n);
    }
    return std::make_pair(e, f * beta);
  };
  const auto data_energy = beta_energy_and_score(data).first;
  const double mean = data_energy.mean().item<double>();
  const double top = data_energy.max().item<double>() - mean;
  if (!quiet)
    std::cerr << "drift-train: energy group: beta E of the data " << mean << " +- " << data_energy.std().item<double>()
              << " (kT at the target), log-compressed above " << mean + top << "\n";
  return [beta_energy_and_score, mean, top](const torch::Tensor& x) {
    const auto [e, score] = beta_energy_and_score(x);
    // A sample LAMMPS cannot evaluate (overlapping atoms: inf or NaN) gets the compressed value of a
    // huge energy and no gradient, instead of turning the loss into NaN.
    const auto finite = torch::isfinite(e) & torch::isfinite(score).flatten(1).all(1);
    const auto u = torch::where(finite, e - mean, torch::full_like(e, top + 1e6));
    const auto over = u > top;
    const auto value = torch::where(over, top + torch::log1p(torch::clamp_min(u - top, 0.0)), u);
    const auto slope = torch::where(over & finite, 1.0 / (1.0 + torch::clamp_min(u - top, 0.0)), finite.to(u.dtype()));
    return std::make_pair(value, -torch::nan_to_num(score, 0.0, 0.0, 0.0) * slope.view({-1, 1, 1}));
  };
}

}  // namespace

std::string add_stein_metric(const TrainConfig& cfg, const std::string& model) {
  if (cfg.forcefield.empty()) throw std::runtime_error(cfg.source + ": the Stein metric needs 'forcefield:'");
  ModelFile file = open_model_file(model, torch::kCPU);
  const Manifest& m = file.manifest;
  const Topology topo = read_lammps_data(cfg.resolve(cfg.molecule));
  if (m.n_atoms != topo.n_atoms || m.types != topo.types)
    throw std::runtime_error(model + ": its molecule (atoms and types) is not the one of " + cfg.resolve(cfg.molecule));
  if (m.units != cfg.units) throw std::runtime_error(model + ": units " + m.units + ", the config's are " + cfg.units);
  if (!m.stein_beta_hessian.empty()) throw std::runtime_error(model + ": the manifest has a Stein metric already");
  Manifest with_metric = m;
  const auto metric = stein_metric_of(cfg, topo, 1.0 / (boltzmann_constant(m.units) * m.temperature));
  with_metric.stein_structure = metric.structure;
  with_metric.stein_beta_hessian = metric.beta_hessian;
  const std::string manifest = write_manifest(with_metric);
  parse_manifest(manifest, model);  // the result must read back
  save_model_file(file.module, model, {{kManifestFile, manifest}});
  return manifest;
}

TrainSummary train_from_config(const TrainConfig& cfg, const TrainRun& run) {
  const BatchComm* comm = run.comm;
  const bool writer = !comm || comm->rank() == 0;
  const bool quiet = run.quiet || !writer;
  if (run.stop_at < 0) throw std::runtime_error("stop_at must be positive (the step to stop after), got " + std::to_string(run.stop_at));
  torch::set_num_threads(cfg.threads);
  TrainSummary summary;
  const Topology topo = read_lammps_data(cfg.resolve(cfg.molecule));
  const int n = topo.n_atoms;

  // Training frames, labelled by LAMMPS where the file has no forces (or when asked).
  std::vector<Conformation> confs;
  {
    ConformationSource src(cfg.resolve(cfg.data), topo);
    Conformation c;
    while ((cfg.max_frames <= 0 || static_cast<long>(confs.size()) < cfg.max_frames) && src.next(c)) confs.push_back(c);
  }
  if (confs.empty()) throw std::runtime_error(cfg.resolve(cfg.data) + ": no conformations");
  bool missing = false;
  for (const auto& c : confs) missing |= !c.has_forces();
  const bool need_forces = cfg.method != "drift";
  if (cfg.relabel || (missing && need_forces)) {
    if (cfg.forcefield.empty())
      throw std::runtime_error(cfg.resolve(cfg.data) + ": frames without forces; method '" + cfg.method +
                               "' needs force labels: add 'forcefield:' to " + cfg.source + " to label them with LAMMPS");
    LabellerSettings ls;
    ls.data_file = cfg.resolve(cfg.molecule);
    ls.forcefield_file = cfg.resolve(cfg.forcefield);
    LammpsLabeller labeller(topo, ls);
    if (!quiet) std::cerr << "drift-train: labelling " << confs.size() << " frames with LAMMPS\n";
    labeller.label(confs);
    summary.labelled_by_lammps = true;
  }
  summary.frames = static_cast<long>(confs.size());
  const int64_t m = summary.frames;
  auto x = torch::empty({m, n, 3}, torch::kFloat64);
  auto f = torch::zeros({m, n, 3}, torch::kFloat64);
  for (int64_t k = 0; k < m; ++k) {
    std::memcpy(x[k].data_ptr<double>(), confs[k].x.data(), sizeof(double) * 3 * n);
    if (confs[k].has_forces()) std::memcpy(f[k].data_ptr<double>(), confs[k].f.data(), sizeof(double) * 3 * n);
  }
  align_frames(x, &f);
  const double beta = 1.0 / (boltzmann_constant(cfg.units) * cfg.temperature);
  const auto beta_f = f * beta;

  TrainingProblem problem;
  problem.positives = x.to(torch::kFloat32);
  problem.field.kernel = cfg.kernel == "gaussian" ? Kernel::Gaussian : Kernel::Laplace;
  problem.field.temperatures = cfg.kernel_temperatures.empty() ? default_temperatures(problem.field.kernel) : cfg.kernel_temperatures;
  if (need_forces) {
    auto gs = guidance_stats(x.reshape({m, -1}), beta_f.reshape({m, -1}), 3 * n - 3, cfg.eig_cutoff);
    summary.r_hat = gs.r_hat;
    summary.r_hat_standard_error = gs.r_hat_standard_error;
    summary.virial = gs.virial;
    // A ratio far from 1 is a units mistake more often than data at a tenth of the target
    // temperature: forces in eV/A read as kcal/mol/A are 23x too small.
    if (!(gs.r_hat >= 0.1 && gs.r_hat <= 10))
      throw std::runtime_error(cfg.resolve(cfg.data) + ": the forces give a data temperature ratio r = T / T_data = " +
                               std::to_string(gs.r_hat) + " +- " + std::to_string(gs.r_hat_standard_error) +
                               ", outside [0.1, 10]: are the forces in the units of 'units: " + cfg.units +
                               "' (eV/A read as kcal/mol/A is a factor 23), and is 'temperature' the target in K?");
    if (!quiet)
      std::cerr << "drift-train: Stein estimate <-beta F.y> = " << gs.virial << " (Boltzmann at the target: " << 3 * n - 3
                << "), data temperature ratio r = " << gs.r_hat << " +- " << gs.r_hat_standard_error << "\n";
    if (cfg.data_temperature > 0) {
      // The known ratio replaces the estimate; the estimate checks that the data are at that temperature.
      const double known = cfg.temperature / cfg.data_temperature;
      const double z = (gs.r_hat - known) / std::max(gs.r_hat_standard_error, 1e-12);
      if (std::fabs(z) > 3)
        std::cerr << "drift-train: warning: data_temperature " << cfg.data_temperature << " K gives r = " << known
                  << " but the forces say r = " << gs.r_hat << " +- " << gs.r_hat_standard_error << " (" << z
                  << " standard errors): are the data at that temperature, and the forces in the units of 'units'?\n";
      else if (!quiet)
        std::cerr << "drift-train: r = " << known << " from data_temperature (the estimate agrees within " << std::fabs(z)
                  << " standard errors)\n";
      gs.r_hat = known;
    }
    summary.r_used = gs.r_hat;
    if (cfg.method == "fi") {
      torch::Tensor disp;
      if (cfg.fi_preconditioner == "hessian") {
        LabellerSettings ls;
        ls.data_file = cfg.resolve(cfg.molecule);
        ls.forcefield_file = cfg.resolve(cfg.forcefield);
        LammpsLabeller labeller(topo, ls);
        if (!quiet) std::cerr << "drift-train: FI preconditioner: the force field's Hessian at each of " << m << " frames\n";
        // In chunks of frames, so memory (Hessians, their eigenvectors) does not grow with the data.
        const auto xc = x.contiguous();
        const auto flat_f = beta_f.reshape({m, -1});
        disp = torch::empty({m, 3 * n}, flat_f.options());
        const int64_t chunk = 256;
        for (int64_t b = 0; b < m; b += chunk) {
          const int64_t e = std::min(m, b + chunk);
          std::vector<std::vector<double>> frames(static_cast<size_t>(e - b));
          for (int64_t k = b; k < e; ++k) frames[k - b].assign(xc[k].data_ptr<double>(), xc[k].data_ptr<double>() + 3 * n);
          const auto hessians = beta_hessians(frames, beta, [&](std::vector<Conformation>& c) { labeller.label(c); });
          auto h = torch::empty({e - b, 3 * n, 3 * n}, torch::kFloat64);
          for (int64_t k = 0; k < e - b; ++k) std::memcpy(h[k].data_ptr<double>(), hessians[k].data(), sizeof(double) * 9 * n * n);
          disp.slice(0, b, e).copy_(fi_displacement_per_frame(gs.r_hat, flat_f.slice(0, b, e), h, cfg.eig_cutoff));
          if (!quiet && m > chunk) std::cerr << "drift-train: Hessians " << e << "/" << m << "\r" << (e == m ? "\n" : "") << std::flush;
        }
        disp = disp.reshape({m, n, 3});
      } else {
        disp = fi_displacement(gs, beta_f.reshape({m, -1})).reshape({m, n, 3});
      }
      problem.positives = (x + cfg.omega * disp).to(torch::kFloat32);
    } else {
      summary.gamma = cfg.gamma ? *cfg.gamma : 1.0 - gs.r_hat;
      // The importance weight needs beta E. LAMMPS labels carry it exactly; integrated from the
      // forces it is exact for harmonic energies but measured 5.6 kT rms off (spread 2.0 kT) on
      // 300 K ethanol in 24 dimensions (docs/method.md): weights from it are noise, so it is used
      // only when the config asks for it.
      const auto integrated = force_integrated_energy(x.reshape({m, -1}), beta_f.reshape({m, -1}));
      auto beta_energy = integrated;
      long without = 0;
      for (const auto& c : confs) without += !c.has_energy();
      const bool use_labels = cfg.fk_energies == "labels";
      if (use_labels && without > 0)
        throw std::runtime_error(cfg.resolve(cfg.data) + ": " + std::to_string(without) + " of " + std::to_string(m) +
                                 " frames carry no energy, and FK weights need beta E. Give frames with energies (a dump's "
                                 "c_pe column, extxyz energy=), add 'relabel: true' to label them with the forcefield, or set "
                                 "'fk_energies: force-integrated' in " + cfg.source +
                                 " (exact for harmonic energies only; docs/method.md)");
      summary.fk_energy_source = use_labels ? "labels" : "forces";
      if (use_labels) {
        auto labelled = torch::empty({m}, torch::kFloat64);
        for (int64_t k = 0; k < m; ++k) labelled[k] = confs[k].energy * beta;
        labelled -= labelled.mean();
        summary.fk_energy_rms_error = (integrated - labelled).pow(2).mean().sqrt().item<double>();
        summary.fk_energy_spread = labelled.std().item<double>();
        beta_energy = labelled;
        if (!quiet)
          std::cerr << "drift-train: FK weights from the labels' energies (force-integrated beta E would be off by "
                    << summary.fk_energy_rms_error << " kT rms; spread " << summary.fk_energy_spread << " kT)\n";
      } else if (!quiet) {
        std::cerr << "drift-train: FK weights from force-integrated energies (fk_energies: force-integrated)\n";
      }
      problem.log_weights = fk_log_weights(beta_energy, summary.gamma, cfg.fk_clip).to(torch::kFloat32);
    }
  }
  if (cfg.space == "coord") {
    FeatureGroup g;
    g.name = "coord";
    problem.groups.push_back(g);
  } else {
    for (const auto& [name, group] : cfg.feature_groups) {
      FeatureGroup g;
      g.name = name;
      g.weight = group.weight;
      g.standardise = group.standardise;
      g.temperatures = group.kernel_temperatures;
      if (group.energy) {
        g.scalar = energy_feature(cfg, topo, beta, problem.positives, quiet);
        problem.groups.push_back(g);
        continue;
      }
      if (!group.torsions.empty()) {
        g.torsions = torsion_feature_map(topo, group.torsions, group.harmonics);
        if (!g.torsions.quads.defined())
          throw std::runtime_error(cfg.source + ": feature_groups." + name + ": the molecule of " + cfg.resolve(cfg.molecule) +
                                   (group.torsions == "backbone" ? " has no peptide backbone (phi, psi)"
                                                                 : " has no rotatable torsion") + " (remove the group)");
        problem.groups.push_back(g);
        continue;
      }
      const auto pairs = group_pairs(topo, group.pairs);
      if (!pairs.empty()) {
        g.pairs = pair_tensor(pairs);
        problem.groups.push_back(g);
      }
    }
  }

  GeneratorShape shape;
  shape.noise_dim = cfg.noise_dim;
  shape.hidden = cfg.hidden;
  shape.components = cfg.components;
  shape.n_atoms = n;
  Generator gen(shape, cfg.training.seed);
  TrainSettings ts = cfg.training;
  const std::string output = cfg.resolve(cfg.output);
  ts.checkpoint = output + ".ckpt";
  ts.resume = run.resume;
  ts.quiet = quiet;
  ts.stop_at = run.stop_at;
  // A LAMMPS instance (the labellers above) sets the process's OpenMP threads to its own (1 unless
  // OMP_NUM_THREADS says otherwise), which LibTorch shares: give LibTorch its threads back.
  torch::set_num_threads(cfg.threads);
  const auto report = train(gen, problem, ts, comm);
  summary.steps = report.steps_done;
  summary.steps_per_second = report.steps_per_second;
  if (report.steps_done < cfg.training.steps) {
    summary.stopped = true;
    return summary;
  }

  Manifest manifest;
  manifest.n_atoms = n;
  manifest.types = topo.types;
  manifest.masses = topo.masses;
  manifest.elements = topo.elements;
  manifest.bonds = topo.bonds;
  // Mean bond lengths of the training frames: the fix's validity check compares with them.
  for (const auto& b : topo.bonds)
    manifest.bond_lengths.push_back((x.select(1, b[0]) - x.select(1, b[1])).norm(2, 1).mean().item<double>());
  manifest.units = cfg.units;
  manifest.temperature = cfg.temperature;
  manifest.noise_dim = cfg.noise_dim;
  manifest.feature_space = cfg.space;
  manifest.method = cfg.method;
  manifest.libtorch_version = TORCH_VERSION;
  manifest.trainer_version = DRIFT_VERSION;
  {
    YAML::Emitter y;
    y.SetDoublePrecision(17);
    y << YAML::BeginMap;
    if (cfg.method == "fi")
      y << YAML::Key << "omega" << YAML::Value << cfg.omega << YAML::Key << "eig_cutoff" << YAML::Value << cfg.eig_cutoff
        << YAML::Key << "preconditioner" << YAML::Value << cfg.fi_preconditioner;
    if (cfg.method == "fk") {
      y << YAML::Key << "gamma" << YAML::Value << summary.gamma << YAML::Key << "clip" << YAML::Value << cfg.fk_clip;
      y << YAML::Key << "energy_source" << YAML::Value << summary.fk_energy_source;
    }
    if (need_forces) {
      y << YAML::Key << "r_hat" << YAML::Value << summary.r_hat << YAML::Key << "r_hat_standard_error" << YAML::Value
        << summary.r_hat_standard_error;
      if (cfg.data_temperature > 0)
        y << YAML::Key << "data_temperature" << YAML::Value << cfg.data_temperature << YAML::Key << "r" << YAML::Value << summary.r_used;
    }
    y << YAML::Key << "kernel" << YAML::Value << cfg.kernel << YAML::Key << "kernel_temperatures" << YAML::Value << YAML::Flow
      << problem.field.temperatures;
    if (cfg.space == "dist") {
      y << YAML::Key << "feature_groups" << YAML::Value << YAML::BeginMap;
      for (const auto& g : problem.groups) {
        const auto& gc = cfg.feature_groups.at(g.name);
        y << YAML::Key << g.name << YAML::Value << YAML::Flow << YAML::BeginMap;
        if (gc.energy) y << YAML::Key << "energy" << YAML::Value << true;
        else if (gc.torsions.empty())
          y << YAML::Key << "pairs" << YAML::Value << gc.pairs << YAML::Key << "features" << YAML::Value << g.pairs.size(0);
        else y << YAML::Key << "torsions" << YAML::Value << gc.torsions << YAML::Key << "harmonics" << YAML::Value << gc.harmonics;
        y << YAML::Key << "weight" << YAML::Value << g.weight;
        if (!g.temperatures.empty()) y << YAML::Key << "kernel_temperatures" << YAML::Value << YAML::Flow << g.temperatures;
        if (g.standardise) y << YAML::Key << "standardise" << YAML::Value << true;
        y << YAML::EndMap;
      }
      y << YAML::EndMap;
    }
    y << YAML::EndMap;
    manifest.method_parameters = y.c_str();
  }
  {
    YAML::Emitter y;
    y << YAML::BeginMap << YAML::Key << "path" << YAML::Value << cfg.data << YAML::Key << "conformations" << YAML::Value << m
      << YAML::Key << "fingerprint" << YAML::Value << fingerprint(x) << YAML::Key << "labelled_by_lammps" << YAML::Value
      << summary.labelled_by_lammps << YAML::EndMap;
    manifest.training_data = y.c_str();
  }
  {
    YAML::Emitter y;
    y.SetDoublePrecision(17);
    y << YAML::BeginMap << YAML::Key << "steps" << YAML::Value << cfg.training.steps << YAML::Key << "batch" << YAML::Value
      << cfg.training.batch << YAML::Key << "positives" << YAML::Value << cfg.training.positives << YAML::Key << "seed"
      << YAML::Value << cfg.training.seed << YAML::Key << "ema" << YAML::Value << cfg.training.ema;
    if (cfg.training.field_chunk > 0) y << YAML::Key << "field_chunk" << YAML::Value << cfg.training.field_chunk;
    if (cfg.components > 1) y << YAML::Key << "generator_components" << YAML::Value << cfg.components;
    if (comm && comm->size() > 1) y << YAML::Key << "mpi_ranks" << YAML::Value << comm->size();
    y << YAML::EndMap;
    manifest.training = y.c_str();
  }
  // The metric (finite differences of LAMMPS forces) only where the model is written.
  if (!cfg.forcefield.empty() && writer) {
    const auto metric = stein_metric_of(cfg, topo, beta);
    manifest.stein_structure = metric.structure;
    manifest.stein_beta_hessian = metric.beta_hessian;
  }
  summary.manifest = write_manifest(manifest);
  if (writer) {
    gen.save(output, {{"manifest.yaml", summary.manifest}});
    std::remove(ts.checkpoint.c_str());
  }
  // No rank returns (and, in drift-train, exits) before the model is in place.
  if (comm) comm->barrier();
  return summary;
}

}  // namespace drift
