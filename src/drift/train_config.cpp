#include "drift/train_config.hpp"

#include <cmath>
#include <set>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

namespace drift {

std::string TrainConfig::resolve(const std::string& path) const {
  if (path.empty() || path[0] == '/') return path;
  const auto slash = source.find_last_of('/');
  return slash == std::string::npos ? path : source.substr(0, slash + 1) + path;
}

double boltzmann_constant(const std::string& units) {
  if (units == "real") return 0.0019872067;
  if (units == "metal") return 8.617343e-5;
  throw std::runtime_error("units '" + units + "' are not supported (use real or metal)");
}

namespace {

struct Reader {
  const std::string& file;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& what) const {
    std::string where = file;
    if (node.Mark().line >= 0) where += ":" + std::to_string(node.Mark().line + 1);
    throw std::runtime_error(where + ": " + key + ": " + what);
  }
  // The name of a mapping's key (a YAML key may itself be a map or a list).
  std::string key_name(const YAML::Node& key, const std::string& where) const {
    if (!key.IsScalar()) fail(key, where, "expected a key name, found a " + std::string(key.IsMap() ? "mapping" : "list"));
    return key.Scalar();
  }
  template <class T>
  T get(const YAML::Node& node, const std::string& key, const std::string& expected) const {
    try {
      return node.as<T>();
    } catch (const YAML::Exception&) {
      fail(node, key, "expected " + expected);
    }
  }
};

}  // namespace

TrainConfig read_train_config(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw std::runtime_error(path + ": cannot read the configuration file");
  } catch (const YAML::ParserException& e) {
    throw std::runtime_error(path + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
  if (!root.IsMap()) throw std::runtime_error(path + ": expected a mapping of configuration keys");
  Reader r{path};
  TrainConfig c;
  c.source = path;
  static const std::set<std::string> known = {
      "data", "molecule", "forcefield", "relabel", "temperature", "data_temperature", "units", "max_frames", "method", "space",
      "omega", "gamma", "fk_clip", "fk_energies", "eig_cutoff", "fi_preconditioner", "kernel", "kernel_temperatures", "feature_groups", "generator", "training", "output"};
  for (const auto& kv : root) {
    const auto key = r.key_name(kv.first, "configuration");
    if (!known.count(key))
      r.fail(kv.first, key, "unknown key (known: data, molecule, forcefield, relabel, temperature, data_temperature, units, max_frames, "
                            "method, space, omega, gamma, fk_clip, fk_energies, eig_cutoff, fi_preconditioner, kernel, kernel_temperatures, feature_groups, "
                            "generator, training, output)");
  }
  auto need = [&](const char* key) {
    if (!root[key]) throw std::runtime_error(path + ": missing required key '" + key + "'");
    return root[key];
  };
  c.data = r.get<std::string>(need("data"), "data", "a file path");
  c.molecule = r.get<std::string>(need("molecule"), "molecule", "a LAMMPS data file path");
  c.output = r.get<std::string>(need("output"), "output", "a model file path");
  c.temperature = r.get<double>(need("temperature"), "temperature", "a temperature in K");
  if (!(c.temperature > 0)) r.fail(root["temperature"], "temperature", "must be positive");
  if (root["data_temperature"]) {
    c.data_temperature = r.get<double>(root["data_temperature"], "data_temperature", "a temperature in K");
    if (!(c.data_temperature > 0)) r.fail(root["data_temperature"], "data_temperature", "must be positive");
  }
  if (root["forcefield"]) c.forcefield = r.get<std::string>(root["forcefield"], "forcefield", "a LAMMPS input path");
  if (root["relabel"]) c.relabel = r.get<bool>(root["relabel"], "relabel", "true or false");
  if (c.relabel && c.forcefield.empty()) r.fail(root["relabel"], "relabel", "needs 'forcefield' to label with");
  if (root["units"]) c.units = r.get<std::string>(root["units"], "units", "a LAMMPS unit style");
  try {
    boltzmann_constant(c.units);
  } catch (const std::exception& e) {
    r.fail(root["units"], "units", e.what());
  }
  if (root["max_frames"]) c.max_frames = r.get<long>(root["max_frames"], "max_frames", "an integer >= 0");
  if (c.max_frames < 0) r.fail(root["max_frames"], "max_frames", "must be >= 0 (0: every frame), got " + std::to_string(c.max_frames));
  if (root["method"]) c.method = r.get<std::string>(root["method"], "method", "drift, fi or fk");
  if (c.method != "drift" && c.method != "fi" && c.method != "fk") r.fail(root["method"], "method", "expected drift, fi or fk, got '" + c.method + "'");
  if (root["space"]) c.space = r.get<std::string>(root["space"], "space", "coord or dist");
  if (c.space != "coord" && c.space != "dist") r.fail(root["space"], "space", "expected coord or dist, got '" + c.space + "'");
  if (root["omega"]) c.omega = r.get<double>(root["omega"], "omega", "a number");
  if (!std::isfinite(c.omega)) r.fail(root["omega"], "omega", "must be a finite number");
  if (root["gamma"]) {
    if (root["gamma"].IsScalar() && root["gamma"].as<std::string>() == "auto") c.gamma.reset();
    else c.gamma = r.get<double>(root["gamma"], "gamma", "a number or 'auto'");
    if (c.gamma && !std::isfinite(*c.gamma)) r.fail(root["gamma"], "gamma", "must be a finite number or 'auto'");
  }
  if (root["fk_clip"]) c.fk_clip = r.get<double>(root["fk_clip"], "fk_clip", "a positive number");
  if (!(c.fk_clip > 0)) r.fail(root["fk_clip"], "fk_clip", "must be positive");
  if (const auto e = root["fk_energies"]) {
    c.fk_energies = r.get<std::string>(e, "fk_energies", "labels or force-integrated");
    if (c.fk_energies != "labels" && c.fk_energies != "force-integrated")
      r.fail(e, "fk_energies", "expected labels or force-integrated, got '" + c.fk_energies + "'");
    if (c.method != "fk") r.fail(e, "fk_energies", "method: fk only (this config has '" + c.method + "')");
  }
  if (root["eig_cutoff"]) c.eig_cutoff = r.get<double>(root["eig_cutoff"], "eig_cutoff", "a number in (0, 1)");
  if (root["fi_preconditioner"]) {
    c.fi_preconditioner = r.get<std::string>(root["fi_preconditioner"], "fi_preconditioner", "fisher or hessian");
    if (c.fi_preconditioner != "fisher" && c.fi_preconditioner != "hessian")
      r.fail(root["fi_preconditioner"], "fi_preconditioner", "expected fisher or hessian, got '" + c.fi_preconditioner + "'");
    if (c.fi_preconditioner == "hessian" && c.forcefield.empty())
      r.fail(root["fi_preconditioner"], "fi_preconditioner", "hessian needs 'forcefield:' (LAMMPS computes the Hessian of every frame)");
  }
  if (root["fi_preconditioner"] && c.method != "fi")
    r.fail(root["fi_preconditioner"], "fi_preconditioner", "applies to method: fi only (method is '" + c.method + "')");
  if (root["data_temperature"] && c.method == "drift")
    r.fail(root["data_temperature"], "data_temperature", "sets the temperature ratio of method: fi or fk; plain drift does not use it");
  if (!(c.eig_cutoff > 0 && c.eig_cutoff < 1)) r.fail(root["eig_cutoff"], "eig_cutoff", "must be in (0, 1)");
  if (root["kernel"]) c.kernel = r.get<std::string>(root["kernel"], "kernel", "laplace or gaussian");
  if (c.kernel != "laplace" && c.kernel != "gaussian") r.fail(root["kernel"], "kernel", "expected laplace or gaussian");
  if (root["kernel_temperatures"]) {
    c.kernel_temperatures = r.get<std::vector<double>>(root["kernel_temperatures"], "kernel_temperatures", "a list of numbers");
    for (double t : c.kernel_temperatures)
      if (!(t > 0)) r.fail(root["kernel_temperatures"], "kernel_temperatures", "every temperature must be positive");
  }
  if (const auto groups = root["feature_groups"]) {
    if (c.space != "dist") r.fail(groups, "feature_groups", "applies to 'space: dist' only (this configuration has space: " + c.space + ")");
    if (!groups.IsMap() || groups.size() == 0)
      r.fail(groups, "feature_groups", "expected a mapping of group name to a weight or to {pairs, weight, kernel_temperatures, standardise}");
    const auto known_pairs = [](const std::string& p) { return p == "all" || p == "bonds" || p == "angles"; };
    c.feature_groups.clear();
    for (const auto& kv : groups) {
      const auto name = r.key_name(kv.first, "feature_groups");
      const std::string key = "feature_groups." + name;
      FeatureGroupConfig g;
      g.pairs = name;
      if (name == "torsions") g.torsions = "label-free";
      if (name == "energy") g.energy = true;
      bool pairs_given = false;
      if (kv.second.IsMap()) {
        for (const auto& item : kv.second) {
          const auto sub = r.key_name(item.first, "feature_groups." + name);
          if (sub == "weight") g.weight = r.get<double>(item.second, key + ".weight", "a number >= 0");
          else if (sub == "pairs") {
            g.pairs = r.get<std::string>(item.second, key + ".pairs", "all, bonds or angles");
            if (!known_pairs(g.pairs)) r.fail(item.second, key + ".pairs", "expected all, bonds or angles, got '" + g.pairs + "'");
            pairs_given = true;
          } else if (sub == "torsions") {
            g.torsions = r.get<std::string>(item.second, key + ".torsions", "label-free, labelled or backbone");
            if (g.torsions != "label-free" && g.torsions != "labelled" && g.torsions != "backbone")
              r.fail(item.second, key + ".torsions", "expected label-free, labelled or backbone, got '" + g.torsions + "'");
          } else if (sub == "harmonics") {
            g.harmonics = r.get<int>(item.second, key + ".harmonics", "an integer from 1 to 12");
            if (g.harmonics < 1 || g.harmonics > 12) r.fail(item.second, key + ".harmonics", "must be from 1 to 12");
          } else if (sub == "energy") {
            g.energy = r.get<bool>(item.second, key + ".energy", "true or false");
          } else if (sub == "kernel_temperatures")
            g.kernel_temperatures = r.get<std::vector<double>>(item.second, key + ".kernel_temperatures", "a list of numbers");
          else if (sub == "standardise") g.standardise = r.get<bool>(item.second, key + ".standardise", "true or false");
          else
            r.fail(item.first, key + "." + sub,
                   "unknown key (known: pairs, torsions, harmonics, energy, weight, kernel_temperatures, standardise)");
        }
      } else {
        g.weight = r.get<double>(kv.second, key, "a weight >= 0 or a mapping {pairs, weight, kernel_temperatures, standardise}");
      }
      if ((!g.torsions.empty()) + pairs_given + g.energy > 1)
        r.fail(kv.first, key, "a group has one of 'pairs' (distances), 'torsions' or 'energy', not both");
      if (g.torsions.empty() && kv.second.IsMap() && kv.second["harmonics"])
        r.fail(kv.second["harmonics"], key + ".harmonics", "applies to torsion groups only (add 'torsions: label-free')");
      if (g.energy && c.forcefield.empty())
        r.fail(kv.first, key, "an energy group needs 'forcefield:' (LAMMPS computes beta E and its gradient)");
      if (g.torsions.empty() && !g.energy && !known_pairs(g.pairs))
        r.fail(kv.first, key,
               "a group named other than all, bonds, angles, torsions or energy needs 'pairs: all|bonds|angles', "
               "'torsions: label-free|labelled|backbone' or 'energy: true'");
      if (!(g.weight >= 0)) r.fail(kv.second, key, "the weight must be >= 0");
      for (double t : g.kernel_temperatures)
        if (!(t > 0)) r.fail(kv.second, key + ".kernel_temperatures", "every temperature must be positive");
      c.feature_groups[name] = g;
    }
    bool any_weight = false;
    for (const auto& kv : c.feature_groups) any_weight |= kv.second.weight > 0;
    if (!any_weight) r.fail(groups, "feature_groups", "every group has weight 0: nothing would be trained; give one a positive weight");
  }
  if (const auto g = root["generator"]) {
    if (!g.IsMap()) r.fail(g, "generator", "expected a mapping with noise_dim, hidden");
    for (const auto& kv : g) {
      const auto key = r.key_name(kv.first, "generator");
      if (key == "noise_dim") c.noise_dim = r.get<int>(kv.second, "generator.noise_dim", "a positive integer");
      else if (key == "hidden") c.hidden = r.get<std::vector<int>>(kv.second, "generator.hidden", "a list of layer widths");
      else if (key == "components") {
        c.components = r.get<int>(kv.second, "generator.components", "an integer from 0 to 256");
        if (c.components < 0 || c.components > 256 || c.components == 1)
          r.fail(kv.second, "generator.components", "must be 0 (none) or 2 to 256");
      } else r.fail(kv.first, "generator." + key, "unknown key (known: noise_dim, hidden, components)");
    }
    if (c.noise_dim < 1) r.fail(g, "generator.noise_dim", "must be >= 1");
    if (c.components > 1 && c.noise_dim < 2)
      r.fail(g, "generator.components", "needs noise_dim >= 2 (the first noise dimension picks the component)");
    for (int h : c.hidden)
      if (h < 1) r.fail(g, "generator.hidden", "layer widths must be >= 1");
  }
  if (const auto t = root["training"]) {
    if (!t.IsMap()) r.fail(t, "training", "expected a mapping");
    for (const auto& kv : t) {
      const auto key = r.key_name(kv.first, "training");
      const auto& v = kv.second;
      const std::string k = "training." + key;
      if (key == "steps") c.training.steps = r.get<long>(v, k, "an integer");
      else if (key == "batch") c.training.batch = r.get<int>(v, k, "an integer");
      else if (key == "positives") c.training.positives = r.get<int>(v, k, "an integer");
      else if (key == "lr") c.training.lr = r.get<double>(v, k, "a number");
      else if (key == "warmup") c.training.warmup = r.get<long>(v, k, "an integer");
      else if (key == "grad_clip") c.training.grad_clip = r.get<double>(v, k, "a number");
      else if (key == "ema") c.training.ema = r.get<double>(v, k, "a number in [0, 1)");
      else if (key == "seed") c.training.seed = r.get<uint64_t>(v, k, "a non-negative integer");
      else if (key == "threads") c.threads = r.get<int>(v, k, "an integer");
      else if (key == "log_every") c.training.log_every = r.get<long>(v, k, "an integer");
      else if (key == "checkpoint_every") c.training.checkpoint_every = r.get<long>(v, k, "an integer");
      else if (key == "field_chunk") c.training.field_chunk = r.get<int>(v, k, "an integer");
      else r.fail(kv.first, k, "unknown key (known: steps, batch, positives, lr, warmup, grad_clip, ema, seed, threads, log_every, checkpoint_every, field_chunk)");
    }
    if (c.training.steps < 1) r.fail(t, "training.steps", "must be >= 1");
    if (c.training.batch < 2) r.fail(t, "training.batch", "must be >= 2");
    if (c.training.positives < 1) r.fail(t, "training.positives", "must be >= 1");
    if (!(c.training.lr > 0)) r.fail(t, "training.lr", "must be positive");
    if (!(c.training.ema >= 0 && c.training.ema < 1)) r.fail(t["ema"] ? t["ema"] : t, "training.ema", "must be in [0, 1) (0: no average)");
    if (c.threads < 1) r.fail(t, "training.threads", "must be >= 1");
    if (c.training.log_every < 1 || c.training.checkpoint_every < 1) r.fail(t, "training", "log_every and checkpoint_every must be >= 1");
    if (const auto fc = t["field_chunk"]) {
      const int chunk = c.training.field_chunk;
      if (chunk < 2 || c.training.batch % chunk != 0)
        r.fail(fc, "training.field_chunk", "must be >= 2 and divide training.batch (" + std::to_string(c.training.batch) + "), got " +
                                              std::to_string(chunk));
      if (c.training.positives < c.training.batch / chunk)
        r.fail(fc, "training.field_chunk", "leaves fewer positives than chunks: training.positives (" +
                                              std::to_string(c.training.positives) + ") must be >= batch / field_chunk (" +
                                              std::to_string(c.training.batch / chunk) + ")");
    }
  }
  return c;
}

}  // namespace drift
