#pragma once
// The manifest a drift generator carries inside its model file (TorchScript extra file
// "manifest.yaml"): what molecule it generates, in which units, at which temperature and how it
// was trained. One schema both ways: drift-train fills a Manifest and write_manifest emits it;
// parse_manifest reads and checks it (drift-sample, fix drift/boltzmann, --add-stein-metric), and
// parse_manifest(write_manifest(m)) returns m.
#include <array>
#include <string>
#include <vector>

namespace drift {

constexpr int kManifestSchemaVersion = 1;
constexpr const char* kManifestFile = "manifest.yaml";

struct Manifest {
  std::string source;  // model file it came from (for messages)
  std::string text;    // the YAML as stored
  int schema_version = 0;
  int n_atoms = 0;
  std::vector<int> types;                 // LAMMPS type per atom, model order
  std::vector<double> masses;             // per atom
  std::vector<std::string> elements;      // per atom
  std::vector<std::array<int, 2>> bonds;  // 0-based
  std::vector<double> bond_lengths;       // mean length of each bond in the training data (may be empty)
  std::string units = "real";
  double temperature = 0;
  int noise_dim = 0;
  std::string feature_space;
  std::string method;
  std::string libtorch_version, trainer_version;
  // The ruler of the kernel Stein discrepancy (drift/stein.hpp), from the force field the model was
  // trained with: the data file's structure (3N) and beta H there at `temperature` (3N x 3N, 1 /
  // length^2). Empty when the trainer had no force field.
  std::vector<double> stein_structure, stein_beta_hessian;
  // Provenance nothing checks, kept through a read and a write: YAML maps (block or flow text) of
  // the method's parameters besides its name (omega, r_hat, kernel, feature groups...), of the
  // training data (path, size, fingerprint) and of the training settings; empty: absent.
  std::string method_parameters, training_data, training;
};

// The manifest's YAML text (schema kManifestSchemaVersion, kind drift-generator); doubles with 17
// significant digits, so they read back exactly.
std::string write_manifest(const Manifest& manifest);

// Parses and checks a manifest; every problem names the model file and the key.
Manifest parse_manifest(const std::string& yaml_text, const std::string& model_path);

// Length of one unit of `units` in Angstrom (LAMMPS unit styles; throws for lj and unknown).
double angstrom_per_length_unit(const std::string& units);

}  // namespace drift
