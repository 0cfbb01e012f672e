#pragma once
// drift-train configuration: read from YAML, every key validated, unknown keys are errors.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drift/train_settings.hpp"

namespace drift {

// A feature group of distance space: its atom pairs, its loss weight and, optionally, its own kernel
// temperatures and per-feature standardisation.
struct FeatureGroupConfig {
  std::string pairs = "all";  // all | bonds (1-2) | angles (1-3); defaults to the group's name
  // Torsion group instead of distances: "label-free" (cos, sin of n*phi averaged over the equivalent end
  // atoms of every rotatable torsion, n = multiples of its symmetry number) or "labelled" (the named
  // atoms only), or "backbone" (phi and psi of every peptide residue found from the bond graph,
  // drift/backbone.hpp: a kernel on the Ramachandran torus alone, which sees their joint law). Empty: a
  // distance group. A group named "torsions" defaults to label-free.
  std::string torsions;
  int harmonics = 1;  // torsion groups: n = s, 2s, ..., harmonics * s
  // Energy group: the single feature beta E(x) from the force field (LAMMPS through `forcefield:`),
  // its gradient -beta F from the same call. A group named "energy" is one by default.
  bool energy = false;
  double weight = 1.0;
  std::vector<double> kernel_temperatures;  // empty: the configuration's kernel_temperatures
  bool standardise = false;                 // every feature divided by its std over the training data
};

struct TrainConfig {
  std::string source;            // the YAML file (paths below are relative to its folder)
  std::string data;              // training frames: LAMMPS dump or extxyz
  std::string molecule;          // LAMMPS data file
  std::string forcefield;        // LAMMPS force-field input: labels frames without forces
  bool relabel = false;          // label every frame with LAMMPS, ignoring the file's forces
  double temperature = 0;        // target temperature, K
  double data_temperature = 0;   // temperature of the training data when known (K): r = temperature / it; 0: estimate r
  std::string units = "real";
  long max_frames = 0;           // 0: all
  std::string method = "drift";  // drift | fi | fk
  std::string space = "dist";    // coord | dist
  double omega = 1.0;            // FI weight
  std::optional<double> gamma;   // FK tilt; empty: auto = 1 - r_hat
  double fk_clip = 3.0;
  // FK's beta E: "labels" (the frames' energies; frames without one are an error) or
  // "force-integrated" (integrated from the forces: exact for harmonic energies only).
  std::string fk_energies = "labels";
  double eig_cutoff = 1e-2;      // G^+ keeps eigenvalues above eig_cutoff * largest
  // FI's preconditioner: "fisher" (G = <beta F beta F^T> pooled over the training set) or "hessian"
  // (the force field's Hessian at every frame, by LAMMPS: needs forcefield).
  std::string fi_preconditioner = "fisher";
  std::string kernel = "laplace";
  std::vector<double> kernel_temperatures;  // empty: the kernel's defaults
  // all | bonds | angles (dist space; see docs/drift-train.md)
  std::map<std::string, FeatureGroupConfig> feature_groups{{"all", FeatureGroupConfig{}}};
  int noise_dim = 32;
  std::vector<int> hidden{256, 256, 256};
  int components = 0;  // > 1: the first noise dimension picks one of this many codes (GeneratorShape)
  TrainSettings training;        // the training: block (checkpoint path set from output)
  int threads = 2;
  std::string output;            // model file; checkpoint = output + ".ckpt"

  std::string resolve(const std::string& path) const;  // relative to the YAML's folder
};

// Throws std::runtime_error naming the file, the key and what was expected.
TrainConfig read_train_config(const std::string& path);

// Boltzmann constant in the energy unit of a LAMMPS unit style per K (real: kcal/mol/K).
double boltzmann_constant(const std::string& units);

}  // namespace drift
