// Every contract of fix drift/boltzmann is checked with a message that says what to change. The
// Debian liblammps ends the process on an error (no LAMMPS_EXCEPTIONS), as lmp does, so each
// case runs lmp_drift on its own input and checks the exit status and the message; a failed
// check must leave an existing samples file untouched.
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <regex>

#include "model_variants.hpp"
#include "../test_util.hpp"

namespace {

std::string test_model() { return drift_test::source_path("potentials/ethanol-fi-dist.pt"); }

const char* kBox =
    "include @SOURCE@/examples/ethanol/forcefield.lmp\n"
    "read_data @SOURCE@/examples/ethanol/ethanol.data\n"
    "replicate 2 2 1\n"
    "neigh_modify exclude molecule/inter all\n";

struct Outcome {
  int status;
  std::string output;
};

// Runs lmp_drift on `input` in a scratch folder holding a previous samples.xyz.
Outcome run_lmp_drift(const std::string& input) {
  drift_test::TempDir dir;
  std::string text = input;
  for (size_t p; (p = text.find("@SOURCE@")) != std::string::npos;) text.replace(p, 8, DRIFT_SOURCE_DIR);
  dir.write("in.test", text);
  dir.write("samples.xyz", "previous samples\n");
  const std::string cmd = "cd '" + dir.path() + "' && '" DRIFT_LMP_DRIFT "' -in in.test -log none 2>&1";
  Outcome out;
  FILE* pipe = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.output.append(buf, n);
  const int raw = pclose(pipe);
  out.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  EXPECT_EQ(drift_test::read_text(dir.file("samples.xyz")), "previous samples\n") << "a failed run touched samples.xyz";
  return out;
}

void expect_error(const std::string& input, const std::string& fragment) {
  const auto out = run_lmp_drift(input);
  EXPECT_NE(out.status, 0) << "expected an error containing: " << fragment << "\n" << out.output;
  const auto error = out.output.find("ERROR");
  ASSERT_NE(error, std::string::npos) << "no ERROR line for: " << fragment << "\n" << out.output;
  EXPECT_NE(out.output.find(fragment, error), std::string::npos)
      << "expected: " << fragment << "\ngot: " << out.output.substr(error, 600);
}

std::string fix_line(const std::string& model, const std::string& extra = "") {
  return "fix s all drift/boltzmann 1 " + model + " seed 11 file samples.xyz " + extra + "\n";
}

std::string replace(std::string text, const std::string& pattern, const std::string& by) {
  return std::regex_replace(text, std::regex(pattern), by);
}

}  // namespace

TEST(FixErrors, SyntaxAndKeywords) {
  const std::string box = kBox;
  expect_error(box + "fix s all drift/boltzmann 1 " + test_model() + "\n", "expected 'fix ID group drift/boltzmann Nevery model.pt seed S");
  expect_error(box + "fix s all drift/boltzmann 0 " + test_model() + " seed 3\n", "Nevery must be >= 1");
  expect_error(box + "fix s all drift/boltzmann 1 " + test_model() + " seed -3\n", "seed must be a positive integer");
  expect_error(box + fix_line(test_model(), "orient sideways"), "orient takes random or aligned");
  expect_error(box + fix_line(test_model(), "velocity hot"), "velocity takes keep or thermal");
  expect_error(box + fix_line(test_model(), "colour blue"), "unknown keyword 'colour'");
  expect_error(box + fix_line(test_model(), "setup"), "keyword 'setup' needs a value");
  expect_error(box + fix_line(test_model(), "device tpu"), "device takes cpu or cuda");
  expect_error(box + fix_line(test_model(), "chunk 0"), "chunk takes the generator's rows per call, auto or 1 to");
  expect_error(box + fix_line(test_model(), "chunk 99999999"), "chunk takes the generator's rows per call");
}

TEST(FixErrors, ModelFileMissingCorruptOrNotAGenerator) {
  const std::string box = kBox;
  drift_test::TempDir dir;
  expect_error(box + fix_line(dir.file("missing.pt")), "model file not found");
  const auto junk = dir.write("junk.pt", "this is not a zip archive\n");
  expect_error(box + fix_line(junk), "not a TorchScript model file");
  const auto bare = dir.file("bare.pt");
  drift_test::write_model_with_manifest(test_model(), bare, "");
  expect_error(box + fix_line(bare), "no manifest.yaml inside the model file");
  const std::string manifest = drift_test::manifest_of(test_model());
  const auto kind = dir.file("kind.pt");
  drift_test::write_model_with_manifest(test_model(), kind, replace(manifest, "kind: drift-generator", "kind: potential"));
  expect_error(box + fix_line(kind), "expected 'drift-generator'");
  const auto schema = dir.file("schema.pt");
  drift_test::write_model_with_manifest(test_model(), schema, replace(manifest, "schema_version: 1", "schema_version: 99"));
  expect_error(box + fix_line(schema), "schema version 99 is not supported");
  const auto broken = dir.file("broken.pt");
  drift_test::write_model_with_manifest(test_model(), broken, replace(manifest, "noise_dim: [0-9]+", "noise_dim: [1, 2"));
  expect_error(box + fix_line(broken), "manifest.yaml is not valid YAML");
  const auto noise = dir.file("noise.pt");
  drift_test::write_model_with_manifest(test_model(), noise, replace(manifest, "noise_dim: [0-9]+", "noise_dim: 5"));
  expect_error(box + fix_line(noise), "forward(noise [2, 5]) failed");
}

TEST(FixErrors, MoleculesMustMatchTheModel) {
  const std::string box = kBox;
  expect_error(box + "group one id 5\ndelete_atoms group one bond yes\n" + fix_line(test_model()) + "run 0\n",
               "molecule 1 has 8 atoms, the model");
  expect_error(box + "set atom 2 type 1\n" + fix_line(test_model()) + "run 0\n",
               "molecule 1 atom 2 (ID 2) has type 1, the model's atom 2 has type 2");
  expect_error(box + "group part id 1:4\nfix s part drift/boltzmann 1 " + test_model() + " seed 2 file samples.xyz\nrun 0\n",
               "atoms outside group part belong to molecules of the group");
  expect_error(box + fix_line(test_model()) + "fix t all drift/boltzmann 1 " + test_model() + " seed 3\nrun 0\n",
               "act on the same atoms");
  // Two fixes on disjoint molecules writing one file would interleave their frames (mutation that
  // fails it: the output-path comparison in init() removed; the run then succeeds).
  expect_error(box + "group a molecule 1 2\ngroup b molecule 3 4\nfix s a drift/boltzmann 1 " + test_model() +
                   " seed 2 file samples.xyz\nfix t b drift/boltzmann 1 " + test_model() + " seed 3 file samples.xyz\nrun 0\n",
               "Fix drift/boltzmann s and t both write samples to samples.xyz: give each fix its own 'file'");
}

// 'types' maps the box's LAMMPS types to elements (as pair_coeff * * does), so a box numbered
// differently from the training data file runs: ethanol with atom 2 (a C) given type 1 (the other
// C type) is refused without it and accepted with it; an O mapped to H is refused naming both sides,
// and a list that does not cover every type is refused. Mutations: comparing types instead of
// elements when 'types' is given (the renumbered box fails); not consuming the keyword's values.
TEST(FixErrors, TypesMapTheBoxNumberingToTheModelsElements) {
  const std::string box = kBox;
  const std::string renumbered = box + "set atom 2 type 1\n";
  expect_error(renumbered + fix_line(test_model()) + "run 0\n", "or give 'types' to map this box's types");
  const auto ok = run_lmp_drift(renumbered + fix_line(test_model(), "types C C O H H") + "run 0\n");
  EXPECT_EQ(ok.status, 0) << ok.output;
  EXPECT_EQ(ok.output.find("ERROR"), std::string::npos) << ok.output;
  expect_error(box + "set atom 3 type 4\n" + fix_line(test_model(), "types C C O H H") + "run 0\n",
               "molecule 1 atom 3 (ID 3) has type 4, which 'types' maps to H, but the model's atom 3 is O");
  expect_error(box + fix_line(test_model(), "types C C O") + "run 0\n", "types needs one element per atom type of the box (5 types");
}

TEST(FixErrors, TemperatureUnitsAndDevice) {
  const std::string box = kBox;
  expect_error(box + fix_line(test_model(), "temp 300") + "run 0\n", "differs from the model's temperature 500 K");
  const auto ok = run_lmp_drift(box + "fix s all drift/boltzmann 1 " + test_model() + " seed 11 temp 300 temp_check no\nrun 0\n");
  EXPECT_EQ(ok.status, 0) << ok.output;
  expect_error(box + fix_line(test_model(), "device cuda"), "sees no CUDA device");
  expect_error("units lj\natom_style full\nbond_style harmonic\nangle_style harmonic\ndihedral_style opls\n"
               "pair_style lj/cut/coul/cut 10.0\nread_data @SOURCE@/examples/ethanol/ethanol.data\n" +
                   fix_line(test_model()) + "run 0\n",
               "units lj cannot be converted to the model's units real");
  expect_error("units real\natom_style atomic\nregion b block 0 10 0 10 0 10\ncreate_box 1 b\n" + fix_line(test_model()),
               "needs molecule IDs");
}

TEST(FixErrors, SteinCheckNeedsTheModelsMetric) {
  const std::string box = kBox;
  expect_error(box + fix_line(test_model(), "ksd 1"), "ksd takes the number of samples per batch");
  drift_test::TempDir dir;
  const std::string manifest = drift_test::manifest_of(test_model());
  ASSERT_NE(manifest.find("stein_metric:"), std::string::npos) << "the shipped model has no Stein metric";
  const auto plain = dir.file("plain.pt");
  drift_test::write_model_with_manifest(test_model(), plain, replace(manifest, "stein_metric:\n(  .*\n)+", ""));
  expect_error(box + fix_line(plain, "ksd 4") + "run 0\n", "ksd needs the Stein metric in the model's manifest");
  const auto ok = run_lmp_drift(box + "fix s all drift/boltzmann 1 " + plain + " seed 11\nrun 0\n");
  EXPECT_EQ(ok.status, 0) << "a model without a Stein metric must still sample without ksd\n" << ok.output;
  const auto short_metric = dir.file("short.pt");
  drift_test::write_model_with_manifest(test_model(), short_metric, replace(manifest, "structure: \\[[^,]*, ", "structure: ["));
  expect_error(box + fix_line(short_metric, "ksd 4"), "manifest stein_metric must hold 3 n_atoms = 27 coordinates");
  // Fails if reweight goes ahead without the metric its chart needs.
  expect_error(box + fix_line(plain, "reweight yes") + "run 0\n", "reweight needs the Stein metric in the model's manifest");
}

// Fails if resample runs without weights to draw from, or with a sampling step every step (which
// would replace the resampled batch at once).
TEST(FixErrors, ResampleNeedsWeightsAndRoom) {
  const std::string box = kBox;
  expect_error(box + "fix s all drift/boltzmann 2 " + test_model() + " seed 11 resample yes\n", "resample yes draws from the Stein weights");
  expect_error(box + fix_line(test_model(), "reweight yes resample yes"), "resample yes needs Nevery >= 2");
  expect_error(box + fix_line(test_model(), "reweight maybe"), "keyword 'reweight' takes yes or no");
}

// drift-train --add-stein-metric gives an older model file the metric the trainer writes today
// (the same numbers as the shipped model's), and refuses, leaving the file as it was, when the
// model has one already or is not a model.
TEST(AddSteinMetric, AddsTheTrainersMetricOrLeavesTheFileAlone) {
  drift_test::TempDir dir;
  const std::string manifest = drift_test::manifest_of(test_model());
  const auto stein = manifest.find("stein_metric:");
  ASSERT_NE(stein, std::string::npos);
  const auto plain = dir.file("plain.pt");
  drift_test::write_model_with_manifest(test_model(), plain, replace(manifest, "stein_metric:\\n(  .*\\n)+", ""));
  const std::string config = std::string(DRIFT_SOURCE_DIR) + "/examples/ethanol/train/fi-dist.yaml";
  auto run = [&](const std::string& model, std::string& output) {
    const std::string cmd = "'" DRIFT_TRAIN "' '" + config + "' --add-stein-metric '" + model + "' 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    char buf[4096];
    size_t n;
    output.clear();
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
    const int raw = pclose(pipe);
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  };
  std::string out;
  ASSERT_EQ(run(plain, out), 0) << out;
  const std::string added = drift_test::manifest_of(plain);
  const auto block = [](const std::string& m) { return m.substr(m.find("stein_metric:")); };
  ASSERT_NE(added.find("stein_metric:"), std::string::npos);
  // Same numbers within 1e-6 of the largest entry: the trainer now symmetrises the finite-difference
  // Hessian (drift/hessian.cpp), which moves entries by up to ~1e-4 kT/A^2 (the central differences'
  // own asymmetry) on a scale of 10^3. Fails when the added metric comes from another structure,
  // temperature (beta) or step.
  const auto numbers = [&](const std::string& m) {
    const std::string b = block(m).substr(0, block(m).find("\nlibtorch"));
    std::vector<double> v;
    const std::regex number("-?[0-9][0-9.eE+-]*");
    for (auto it = std::sregex_iterator(b.begin(), b.end(), number); it != std::sregex_iterator(); ++it) v.push_back(std::stod(it->str()));
    return v;
  };
  const auto got = numbers(added), want = numbers(manifest);
  ASSERT_EQ(got.size(), want.size());
  double scale = 0;
  for (double w : want) scale = std::max(scale, std::abs(w));
  for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-6 * scale) << "entry " << i;

  const std::string before = drift_test::read_text(plain);
  EXPECT_EQ(run(plain, out), 1);
  EXPECT_NE(out.find("the manifest has a Stein metric already"), std::string::npos) << out;
  EXPECT_EQ(drift_test::read_text(plain), before) << "a refused run changed the model file";
  const auto junk = dir.write("junk.pt", "not a model\n");
  EXPECT_EQ(run(junk, out), 1);
  EXPECT_NE(out.find("not a TorchScript model file"), std::string::npos) << out;
  EXPECT_EQ(drift_test::read_text(junk), "not a model\n");
}

// compute drift/stein: every contract has a message that says what to change. Mutations tried: the
// KSD's atom-count check removed (the cut molecule's 8 atoms are read as 9: the 'molecule 1 has 8
// atoms' case fails) and the partial-molecule check at init removed (the 'atoms outside group part'
// case fails).
TEST(ComputeSteinErrors, SyntaxMetricAndWholeMolecules) {
  const std::string box = kBox;
  const std::string run = "thermo_style custom step c_c[1] c_c[3]\nrun 0\n";
  const std::string model = test_model();
  expect_error(box + "compute c all drift/stein ksd 4 metric " + model + "\n", "needs 'temp T'");
  expect_error(box + "compute c all drift/stein temp -5\n", "temp must be positive");
  expect_error(box + "compute c all drift/stein temp 500 ksd 1 metric " + model + "\n", "ksd takes the number of molecules");
  expect_error(box + "compute c all drift/stein temp 500 colour blue\n", "unknown keyword 'colour'");
  expect_error(box + "compute c all drift/stein temp 500 ksd\n", "keyword 'ksd' needs a value");
  expect_error(box + "compute c all drift/stein temp 500 ksd 4\n", "ksd 4 needs a Stein metric: add 'metric model.pt'");
  drift_test::TempDir dir;
  expect_error(box + "compute c all drift/stein temp 500 ksd 4 metric " + dir.file("missing.pt") + "\n", "model file not found");
  const auto plain = dir.file("plain.pt");
  drift_test::write_model_with_manifest(model, plain, replace(drift_test::manifest_of(model), "stein_metric:\n(  .*\n)+", ""));
  expect_error(box + "compute c all drift/stein temp 500 ksd 4 metric " + plain + "\n", "has no Stein metric: retrain");
  expect_error("atom_style atomic\nregion b block 0 10 0 10 0 10\ncreate_box 1 b\ncompute c all drift/stein temp 500\n",
               "needs molecule IDs");
  expect_error(box + "group part id 1:4\ncompute c part drift/stein temp 500\n" + run,
               "atoms outside group part belong to molecules of the group");
  expect_error(box + "set atom 1 mol 0\ncompute c all drift/stein temp 500\n" + run,
               "have molecule ID 0");
  // The KSD counts the molecules of lowest ID: a cut molecule among them is refused, one after them is not.
  expect_error(box + "group one id 5\ndelete_atoms group one bond yes\ncompute c all drift/stein temp 500 ksd 4 metric " +
                   model + "\n" + run,
               "molecule 1 has 8 atoms, the Stein metric is for molecules of 9");
  const auto ok = run_lmp_drift(box + "group one id 36\ndelete_atoms group one bond yes\n"
                                "compute c all drift/stein temp 500 ksd 3 metric " + model + "\n" + run);
  EXPECT_EQ(ok.status, 0) << "T_conf over molecules of two sizes, KSD of the 3 whole ones of lowest ID\n" << ok.output;
}
