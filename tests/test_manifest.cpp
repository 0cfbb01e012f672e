// The manifest reader: required keys, optional bond lengths and Stein metric, and messages that
// name the model file and the key.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "drift/manifest.hpp"

namespace {

const std::string kDiatomic =
    "schema_version: 1\nkind: drift-generator\nn_atoms: 2\ntypes: [1, 2]\nmasses: [1.008, 35.45]\n"
    "elements: [H, Cl]\nbonds: [[1, 2]]\nunits: real\ntemperature: 300\nnoise_dim: 4\nfeature_space: dist\n"
    "method: {name: fk}\n";

std::string error_of(const std::string& text) {
  try {
    drift::parse_manifest(text, "m.pt");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

std::string stein(int coordinates, int hessian) {
  std::string s = "stein_metric:\n  structure: [";
  for (int k = 0; k < coordinates; ++k) s += (k ? ", " : "") + std::to_string(0.1 * k);
  s += "]\n  beta_hessian: [";
  for (int k = 0; k < hessian; ++k) s += (k ? ", " : "") + std::to_string(k % 7 == 0 ? 2.0 : 0.0);
  return s + "]\n";
}

}  // namespace

TEST(Manifest, ReadsRequiredAndOptionalKeys) {
  const auto m = drift::parse_manifest(kDiatomic + "bond_lengths: [1.27]\n" + stein(6, 36), "m.pt");
  EXPECT_EQ(m.n_atoms, 2);
  EXPECT_EQ(m.types, (std::vector<int>{1, 2}));
  ASSERT_EQ(m.bonds.size(), 1u);
  EXPECT_EQ(m.bonds[0][0], 0);
  EXPECT_EQ(m.bonds[0][1], 1);
  EXPECT_DOUBLE_EQ(m.bond_lengths.at(0), 1.27);
  EXPECT_EQ(m.method, "fk");
  ASSERT_EQ(m.stein_structure.size(), 6u);
  EXPECT_DOUBLE_EQ(m.stein_structure[5], 0.5);
  ASSERT_EQ(m.stein_beta_hessian.size(), 36u);
  EXPECT_DOUBLE_EQ(m.stein_beta_hessian[7], 2.0);
  const auto plain = drift::parse_manifest(kDiatomic, "m.pt");
  EXPECT_TRUE(plain.bond_lengths.empty());
  EXPECT_TRUE(plain.stein_structure.empty());
  EXPECT_TRUE(plain.stein_beta_hessian.empty());
}

TEST(Manifest, ErrorsNameTheModelAndTheKey) {
  EXPECT_NE(error_of(kDiatomic + stein(5, 36)).find("m.pt: manifest stein_metric must hold 3 n_atoms = 6 coordinates"),
            std::string::npos);
  EXPECT_NE(error_of(kDiatomic + stein(6, 35)).find("a 6 x 6 beta_hessian"), std::string::npos);
  EXPECT_NE(error_of(kDiatomic + "stein_metric: 3\n").find("stein_metric must be a map"), std::string::npos);
  EXPECT_NE(error_of(kDiatomic + "stein_metric: {structure: [1, 2, 3, 4, 5, 6]}\n").find("manifest has no 'beta_hessian'"),
            std::string::npos);
  EXPECT_NE(error_of(kDiatomic + "bond_lengths: [1.0, 2.0]\n").find("one entry per bond"), std::string::npos);
  EXPECT_NE(error_of("").find("m.pt: no manifest.yaml inside the model file"), std::string::npos);
  std::string noisy = kDiatomic;
  noisy.replace(noisy.find("noise_dim: 4"), 12, "noise_dim: x");
  EXPECT_NE(error_of(noisy).find("manifest key 'noise_dim' is not a positive integer"), std::string::npos);
}

// One schema both ways: every field drift-train fills comes back from parse_manifest(write_manifest),
// doubles exactly, provenance maps included, and writing the parsed manifest again gives the same
// text. Mutations that make it fail (tried): the writer dropping bond_lengths, the reader dropping
// the method parameters or the training map. (yaml-cpp's default precision already reads back
// exactly here, so the explicit 17 digits are a guard, not what this test catches.)
TEST(Manifest, WrittenManifestReadsBackUnchanged) {
  drift::Manifest m;
  m.n_atoms = 3;
  m.types = {1, 2, 2};
  m.masses = {15.999, 1.008, 1.008};
  m.elements = {"O", "H", "H"};
  m.bonds = {{{0, 1}}, {{0, 2}}};
  m.bond_lengths = {0.9572, 1.0 / 3.0};
  m.units = "metal";
  m.temperature = 298.15;
  m.noise_dim = 7;
  m.feature_space = "dist";
  m.method = "fi";
  m.method_parameters = "omega: 0.5\nkernel_temperatures: [0.1, 0.3]\nfeature_groups: {all: {pairs: all, weight: 1}}\n";
  m.training_data = "path: frames.xyz\nconformations: 12\n";
  m.training = "steps: 5\nbatch: 64\nmpi_ranks: 2\n";
  m.libtorch_version = "1.13.0";
  m.trainer_version = "0.1.0";
  for (int k = 0; k < 9; ++k) m.stein_structure.push_back(0.1 * k + 1.0 / 7.0);
  for (int k = 0; k < 81; ++k) m.stein_beta_hessian.push_back(k % 10 == 0 ? 1234.5678901234567 : -1.0 / (k + 3));
  const std::string text = drift::write_manifest(m);
  const auto back = drift::parse_manifest(text, "w.pt");
  EXPECT_EQ(back.schema_version, drift::kManifestSchemaVersion);
  EXPECT_EQ(back.n_atoms, m.n_atoms);
  EXPECT_EQ(back.types, m.types);
  EXPECT_EQ(back.masses, m.masses);
  EXPECT_EQ(back.elements, m.elements);
  EXPECT_EQ(back.bonds, m.bonds);
  EXPECT_EQ(back.bond_lengths, m.bond_lengths);  // exact: 17 significant digits
  EXPECT_EQ(back.units, m.units);
  EXPECT_EQ(back.temperature, m.temperature);
  EXPECT_EQ(back.noise_dim, m.noise_dim);
  EXPECT_EQ(back.feature_space, m.feature_space);
  EXPECT_EQ(back.method, m.method);
  EXPECT_EQ(back.libtorch_version, m.libtorch_version);
  EXPECT_EQ(back.trainer_version, m.trainer_version);
  EXPECT_EQ(back.stein_structure, m.stein_structure);
  EXPECT_EQ(back.stein_beta_hessian, m.stein_beta_hessian);
  EXPECT_NE(back.method_parameters.find("omega: 0.5"), std::string::npos) << back.method_parameters;
  EXPECT_NE(back.method_parameters.find("feature_groups"), std::string::npos) << back.method_parameters;
  EXPECT_NE(back.training.find("mpi_ranks: 2"), std::string::npos) << back.training;
  EXPECT_NE(back.training_data.find("conformations: 12"), std::string::npos) << back.training_data;
  EXPECT_EQ(drift::write_manifest(back), text);
}

// A method whose name is not a string is an error naming the key, not yaml-cpp's conversion
// exception. Mutation: the unguarded .as<std::string>() (its message lacks "m.pt").
TEST(Manifest, MethodNameMustBeAString) {
  std::string text = kDiatomic;
  text.replace(text.find("method: {name: fk}"), 18, "method: {name: [fk]}");
  EXPECT_NE(error_of(text).find("m.pt: manifest key 'name' is not a method name"), std::string::npos) << error_of(text);
}

// A method parameter whose key is not a name (found by the manifest fuzzer's regression input
// tests/fuzz/regressions/manifest/sequence-as-method-key.yaml) is an error naming the model.
// Mutation: the former kv.first.as<std::string>() (yaml-cpp's "bad conversion", no "m.pt").
TEST(Manifest, MethodParameterKeysMustBeNames) {
  std::string text = kDiatomic;
  text.replace(text.find("method: {name: fk}"), 18, "method: {name: fk, [1, 2]: 3}");
  EXPECT_NE(error_of(text).find("m.pt: manifest method keys must be names (got a sequence)"), std::string::npos)
      << error_of(text);
}

// Found by the manifest fuzzer (tests/fuzz/regressions/manifest/unknown-units.yaml): an unknown
// unit style was reported without the model file. Mutation: the bare angstrom_per_length_unit call.
TEST(Manifest, UnknownUnitsNameTheModel) {
  std::string text = kDiatomic;
  text.replace(text.find("units: real"), 11, "units: rsseal");
  EXPECT_NE(error_of(text).find("m.pt: manifest units: unknown LAMMPS unit style 'rsseal'"), std::string::npos) << error_of(text);
}

// Found by the manifest fuzzer (tests/fuzz/regressions/manifest/binary-element-symbol.yaml): an
// element of raw bytes was accepted and did not survive write_manifest (yaml-cpp re-encodes it).
// Elements must be element symbols, the method one of the three and feature_space one of the two
// spaces (binary-method-name.yaml: raw bytes as the method name). Mutation: any of the checks removed.
TEST(Manifest, ElementsAreSymbolsAndFeatureSpaceIsKnown) {
  std::string text = kDiatomic;
  text.replace(text.find("[H, Cl]"), 7, "[H, \"C\\xff\"]");
  EXPECT_NE(error_of(text).find("m.pt: manifest elements must be element symbols (1 to 3 letters)"), std::string::npos) << error_of(text);
  text = kDiatomic;
  text.replace(text.find("method: {name: fk}"), 18, "method: {name: fq}");  // the second campaign's finding
  EXPECT_NE(error_of(text).find("m.pt: manifest method name must be drift, fi or fk, found 'fq'"), std::string::npos) << error_of(text);
  text = kDiatomic;
  text.replace(text.find("feature_space: dist"), 19, "feature_space: dust");
  EXPECT_NE(error_of(text).find("m.pt: manifest feature_space must be coord or dist, found 'dust'"), std::string::npos) << error_of(text);
}
