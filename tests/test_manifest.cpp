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
