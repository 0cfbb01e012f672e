#include "drift/manifest.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

namespace drift {

namespace {

[[noreturn]] void fail(const std::string& model, const std::string& what) {
  throw std::runtime_error(model + ": " + what);
}

template <typename T>
T get(const YAML::Node& root, const char* key, const std::string& model, const char* expected) {
  const auto node = root[key];
  if (!node) fail(model, std::string("manifest has no '") + key + "' (expected " + expected + "); was it written by drift-train?");
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    fail(model, std::string("manifest key '") + key + "' is not " + expected);
  }
}

}  // namespace

Manifest parse_manifest(const std::string& text, const std::string& model) {
  if (text.empty()) fail(model, "no manifest.yaml inside the model file: not a drift generator (write models with drift-train)");
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    fail(model, "manifest.yaml is not valid YAML (line " + std::to_string(e.mark.line + 1) + "): " + e.msg);
  }
  if (!root.IsMap()) fail(model, "manifest.yaml is not a YAML map");
  Manifest m;
  m.source = model;
  m.text = text;
  if (get<std::string>(root, "kind", model, "a string") != "drift-generator")
    fail(model, "manifest kind is '" + root["kind"].as<std::string>() + "', expected 'drift-generator'");
  m.schema_version = get<int>(root, "schema_version", model, "an integer");
  if (m.schema_version != kManifestSchemaVersion)
    fail(model, "manifest schema version " + std::to_string(m.schema_version) + " is not supported (this build reads " +
                    std::to_string(kManifestSchemaVersion) + "); use a lammps-drift of the model's trainer_version");
  m.n_atoms = get<int>(root, "n_atoms", model, "a positive integer");
  if (m.n_atoms < 1) fail(model, "manifest n_atoms must be positive");
  m.types = get<std::vector<int>>(root, "types", model, "a list of LAMMPS atom types");
  m.masses = get<std::vector<double>>(root, "masses", model, "a list of masses");
  m.elements = get<std::vector<std::string>>(root, "elements", model, "a list of element symbols");
  if (static_cast<int>(m.types.size()) != m.n_atoms || static_cast<int>(m.masses.size()) != m.n_atoms ||
      static_cast<int>(m.elements.size()) != m.n_atoms)
    fail(model, "manifest types, masses and elements must each have n_atoms = " + std::to_string(m.n_atoms) + " entries");
  for (const auto& e : m.elements)
    if (e.empty() || e.size() > 3 || !std::all_of(e.begin(), e.end(), [](unsigned char ch) { return std::isalpha(ch); }))
      fail(model, "manifest elements must be element symbols (1 to 3 letters), found '" + e + "'");
  for (const auto& b : get<std::vector<std::vector<int>>>(root, "bonds", model, "a list of [i, j] atom pairs (1-based)")) {
    if (b.size() != 2 || b[0] < 1 || b[1] < 1 || b[0] > m.n_atoms || b[1] > m.n_atoms || b[0] == b[1])
      fail(model, "manifest bonds must be pairs of distinct atom numbers 1.." + std::to_string(m.n_atoms));
    m.bonds.push_back({b[0] - 1, b[1] - 1});
  }
  if (root["bond_lengths"]) {
    m.bond_lengths = get<std::vector<double>>(root, "bond_lengths", model, "a list of lengths");
    if (m.bond_lengths.size() != m.bonds.size()) fail(model, "manifest bond_lengths must have one entry per bond");
  }
  m.units = get<std::string>(root, "units", model, "a LAMMPS unit style");
  try {
    angstrom_per_length_unit(m.units);
  } catch (const std::runtime_error& e) {
    fail(model, std::string("manifest units: ") + e.what());
  }
  m.temperature = get<double>(root, "temperature", model, "a temperature");
  if (!(m.temperature > 0)) fail(model, "manifest temperature must be positive");
  m.noise_dim = get<int>(root, "noise_dim", model, "a positive integer");
  if (m.noise_dim < 1) fail(model, "manifest noise_dim must be positive");
  m.feature_space = get<std::string>(root, "feature_space", model, "coord or dist");
  if (m.feature_space != "coord" && m.feature_space != "dist")
    fail(model, "manifest feature_space must be coord or dist, found '" + m.feature_space + "'");
  const auto method = root["method"];
  if (!method || !method.IsMap() || !method["name"]) fail(model, "manifest has no 'method: {name: ...}'");
  m.method = get<std::string>(method, "name", model, "a method name (drift, fi or fk)");
  if (m.method != "drift" && m.method != "fi" && m.method != "fk")
    fail(model, "manifest method name must be drift, fi or fk, found '" + m.method + "'");
  if (const auto stein = root["stein_metric"]) {
    if (!stein.IsMap()) fail(model, "manifest stein_metric must be a map {structure: [3N], beta_hessian: [3N x 3N]}");
    m.stein_structure = get<std::vector<double>>(stein, "structure", model, "a list of 3 n_atoms coordinates");
    m.stein_beta_hessian = get<std::vector<double>>(stein, "beta_hessian", model, "a list of (3 n_atoms)^2 numbers");
    const size_t d = 3 * static_cast<size_t>(m.n_atoms);
    if (m.stein_structure.size() != d || m.stein_beta_hessian.size() != d * d)
      fail(model, "manifest stein_metric must hold 3 n_atoms = " + std::to_string(d) + " coordinates and a " +
                      std::to_string(d) + " x " + std::to_string(d) + " beta_hessian");
  }
  {
    YAML::Node parameters(YAML::NodeType::Map);
    for (const auto& kv : method) {
      if (!kv.first.IsScalar()) fail(model, "manifest method keys must be names (got a " +
                                                std::string(kv.first.IsMap() ? "map" : "sequence") + ")");
      if (kv.first.Scalar() != "name") parameters[kv.first] = kv.second;
    }
    if (parameters.size() > 0) m.method_parameters = YAML::Dump(parameters);
  }
  for (auto [key, field] : {std::pair<const char*, std::string*>{"training_data", &m.training_data}, {"training", &m.training}})
    if (const auto node = root[key]) {
      if (!node.IsMap()) fail(model, std::string("manifest ") + key + " must be a map");
      *field = YAML::Dump(node);
    }
  // The provenance is stored again by write_manifest: text yaml-cpp cannot read back (it dumps
  // some odd keys in a form its parser refuses) is refused here, naming the model.
  for (auto [key, text] : {std::pair<const char*, const std::string*>{"method", &m.method_parameters},
                           {"training_data", &m.training_data}, {"training", &m.training}}) {
    try {
      if (!text->empty()) YAML::Load(*text);
    } catch (const YAML::Exception& e) {
      fail(model, std::string("manifest ") + key + " cannot be stored again (" + e.msg + "): simplify its keys");
    }
  }
  m.libtorch_version = root["libtorch_version"].as<std::string>("unknown");
  m.trainer_version = root["trainer_version"].as<std::string>("unknown");
  return m;
}

namespace {

// A provenance map's text as a node (empty text: none); the writer's own text, so a parse error
// is a bug in the caller.
YAML::Node provenance_map(const std::string& text, const char* what) {
  if (text.empty()) return YAML::Node(YAML::NodeType::Map);
  const auto node = YAML::Load(text);
  if (!node.IsMap()) throw std::logic_error(std::string("write_manifest: ") + what + " is not a YAML map");
  return node;
}

}  // namespace

std::string write_manifest(const Manifest& m) {
  YAML::Emitter y;
  y.SetDoublePrecision(17);
  y << YAML::BeginMap;
  y << YAML::Key << "schema_version" << YAML::Value << kManifestSchemaVersion;
  y << YAML::Key << "kind" << YAML::Value << "drift-generator";
  y << YAML::Key << "n_atoms" << YAML::Value << m.n_atoms;
  y << YAML::Key << "types" << YAML::Value << YAML::Flow << m.types;
  y << YAML::Key << "masses" << YAML::Value << YAML::Flow << m.masses;
  y << YAML::Key << "elements" << YAML::Value << YAML::Flow << m.elements;
  y << YAML::Key << "bonds" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& b : m.bonds) y << YAML::Flow << std::vector<int>{b[0] + 1, b[1] + 1};
  y << YAML::EndSeq;
  if (!m.bond_lengths.empty()) y << YAML::Key << "bond_lengths" << YAML::Value << YAML::Flow << m.bond_lengths;
  y << YAML::Key << "units" << YAML::Value << m.units;
  y << YAML::Key << "temperature" << YAML::Value << m.temperature;
  y << YAML::Key << "noise_dim" << YAML::Value << m.noise_dim;
  y << YAML::Key << "feature_space" << YAML::Value << m.feature_space;
  y << YAML::Key << "method" << YAML::Value << YAML::BeginMap << YAML::Key << "name" << YAML::Value << m.method;
  for (const auto& kv : provenance_map(m.method_parameters, "method_parameters")) y << YAML::Key << kv.first << YAML::Value << kv.second;
  y << YAML::EndMap;
  if (!m.training_data.empty()) y << YAML::Key << "training_data" << YAML::Value << provenance_map(m.training_data, "training_data");
  if (!m.training.empty()) y << YAML::Key << "training" << YAML::Value << provenance_map(m.training, "training");
  y << YAML::Key << "libtorch_version" << YAML::Value << m.libtorch_version;
  y << YAML::Key << "trainer_version" << YAML::Value << m.trainer_version;
  if (!m.stein_beta_hessian.empty()) {
    y << YAML::Key << "stein_metric" << YAML::Value << YAML::BeginMap;
    y << YAML::Key << "structure" << YAML::Value << YAML::Flow << m.stein_structure;
    y << YAML::Key << "beta_hessian" << YAML::Value << YAML::Flow << m.stein_beta_hessian << YAML::EndMap;
  }
  y << YAML::EndMap;
  if (!y.good()) throw std::logic_error("write_manifest: " + y.GetLastError());
  return std::string(y.c_str()) + "\n";
}

double angstrom_per_length_unit(const std::string& units) {
  if (units == "real" || units == "metal") return 1.0;
  if (units == "si") return 1e10;
  if (units == "cgs") return 1e8;
  if (units == "electron") return 0.52917721067;
  if (units == "micro") return 1e4;
  if (units == "nano") return 10.0;
  if (units == "lj") throw std::runtime_error("units lj have no length scale in Angstrom: use real, metal, si, cgs, electron, micro or nano");
  throw std::runtime_error("unknown LAMMPS unit style '" + units + "'");
}

}  // namespace drift
