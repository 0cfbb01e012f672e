// drift-train's machinery: configuration validation, exact resume, and an ethanol smoke test
// (tiny MD through LAMMPS -> tiny training -> a model file that loads with its manifest).
#include <torch/script.h>
#include <torch/torch.h>

#include <library.h>
#include <yaml-cpp/yaml.h>

#include "drift/ensemble_stats.hpp"
#include "drift/topology.hpp"
#include "drift/torch/generator.hpp"
#include "drift/torch/train_molecule.hpp"
#include "drift/torch/trainer.hpp"
#include "drift/train_config.hpp"
#include "test_util.hpp"

using namespace drift;
using drift_test::TempDir;

namespace {
// A small generator of 3-vectors from 4 noise dimensions: enough for trainer mechanics.
GeneratorShape toy_shape() {
  GeneratorShape shape;
  shape.noise_dim = 4;
  shape.hidden = {16};
  shape.output_dim = 3;
  return shape;
}
}  // namespace

TEST(TrainConfig, ValidatesEveryKey) {
  TempDir dir;
  const std::string base = "data: d.dump\nmolecule: m.data\ntemperature: 500\noutput: o.pt\n";
  const auto ok = read_train_config(dir.write("ok.yaml", base + "method: fk\nspace: coord\ntraining: {steps: 5}\n"));
  EXPECT_EQ(ok.method, "fk");
  EXPECT_EQ(ok.training.steps, 5);
  EXPECT_EQ(ok.resolve("d.dump"), dir.file("d.dump"));
  EXPECT_FALSE(ok.gamma.has_value());
  drift_test::expect_error<std::runtime_error>([&] { read_train_config(dir.write("a.yaml", base + "methdo: fk\n")); },
                                               {"a.yaml:5", "methdo", "unknown key"});
  drift_test::expect_error<std::runtime_error>([&] { read_train_config(dir.write("b.yaml", base + "method: fx\n")); },
                                               {"b.yaml:5", "method", "drift, fi or fk"});
  drift_test::expect_error<std::runtime_error>([&] { read_train_config(dir.write("c.yaml", base + "training: {stepz: 3}\n")); },
                                               {"c.yaml:5", "training.stepz", "unknown key"});
  drift_test::expect_error<std::runtime_error>([&] { read_train_config(dir.write("d.yaml", "data: d\nmolecule: m\noutput: o\ntemperature: hot\n")); },
                                               {"d.yaml", "temperature"});
  drift_test::expect_error<std::runtime_error>([&] { read_train_config(dir.write("e.yaml", "data: x\n")); },
                                               {"e.yaml", "missing required key 'molecule'"});
  drift_test::expect_error<std::runtime_error>([&] { read_train_config(dir.write("f.yaml", base + "relabel: true\n")); },
                                               {"f.yaml", "relabel", "forcefield"});
  drift_test::expect_error<std::runtime_error>([&] { read_train_config(dir.write("g.yaml", "data: [1\n")); },
                                               {"g.yaml", "not valid YAML"});
}

TEST(TrainConfig, FeatureGroupsTakeAWeightOrAMapping) {
  TempDir dir;
  const std::string base = "data: d.dump\nmolecule: m.data\ntemperature: 500\noutput: o.pt\n";
  const auto ok = read_train_config(dir.write(
      "ok.yaml", base + "feature_groups: {all: 1.0, stiff: {pairs: bonds, weight: 0.5, kernel_temperatures: [0.1, 0.3], standardise: true}}\n"));
  ASSERT_EQ(ok.feature_groups.size(), 2u);
  EXPECT_EQ(ok.feature_groups.at("all").weight, 1.0);
  EXPECT_TRUE(ok.feature_groups.at("all").kernel_temperatures.empty());
  EXPECT_FALSE(ok.feature_groups.at("all").standardise);
  EXPECT_EQ(ok.feature_groups.at("all").pairs, "all");
  EXPECT_EQ(ok.feature_groups.at("stiff").pairs, "bonds");
  EXPECT_EQ(ok.feature_groups.at("stiff").weight, 0.5);
  EXPECT_EQ(ok.feature_groups.at("stiff").kernel_temperatures, (std::vector<double>{0.1, 0.3}));
  EXPECT_TRUE(ok.feature_groups.at("stiff").standardise);
  EXPECT_EQ(read_train_config(dir.write("d.yaml", base)).feature_groups.count("all"), 1u);  // default: all pairs
  drift_test::expect_error<std::runtime_error>(
      [&] { read_train_config(dir.write("a.yaml", base + "feature_groups: {torsions: 1}\n")); },
      {"a.yaml:5", "feature_groups.torsions", "needs 'pairs: all|bonds|angles'"});
  drift_test::expect_error<std::runtime_error>(
      [&] { read_train_config(dir.write("g.yaml", base + "feature_groups: {x: {pairs: torsions}}\n")); },
      {"g.yaml:5", "feature_groups.x.pairs", "all, bonds or angles", "torsions"});
  drift_test::expect_error<std::runtime_error>(
      [&] { read_train_config(dir.write("b.yaml", base + "feature_groups: {all: {wieght: 1}}\n")); },
      {"b.yaml:5", "feature_groups.all.wieght", "unknown key"});
  drift_test::expect_error<std::runtime_error>(
      [&] { read_train_config(dir.write("c.yaml", base + "feature_groups: {all: -1}\n")); }, {"c.yaml:5", ">= 0"});
  drift_test::expect_error<std::runtime_error>(
      [&] { read_train_config(dir.write("f.yaml", base + "feature_groups: {all: {standardise: maybe}}\n")); },
      {"f.yaml:5", "feature_groups.all.standardise", "true or false"});
  drift_test::expect_error<std::runtime_error>(
      [&] { read_train_config(dir.write("h.yaml", base + "space: coord\nfeature_groups: {all: 1}\n")); },
      {"h.yaml:6", "feature_groups", "space: dist"});
  drift_test::expect_error<std::runtime_error>(
      [&] { read_train_config(dir.write("e.yaml", base + "feature_groups: {all: {kernel_temperatures: [0.1, 0]}}\n")); },
      {"e.yaml:5", "kernel_temperatures", "positive"});
}

// A standardised group trains exactly as the unstandardised group on data divided by its
// per-feature standard deviation: the generator's output is the same up to that scale.
TEST(Trainer, StandardisedGroupEqualsTrainingOnStandardisedData) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  const auto sd = torch::tensor({2.0f, 0.05f, 1.0f});
  const auto data = torch::randn({400, 3}) * sd + torch::tensor({1.0f, -3.0f, 0.5f});
  const GeneratorShape shape = toy_shape();
  TrainSettings s;
  s.steps = 100;
  s.batch = 64;
  s.positives = 64;
  s.lr = 1e-2;  // large steps, so that training (not the output initialisation) shapes the output
  s.warmup = 1;
  s.quiet = true;
  s.checkpoint_every = 1000;
  TempDir dir;
  s.checkpoint = dir.file("a.ckpt");
  TrainingProblem standardised;
  standardised.positives = data;
  standardised.groups.push_back({"xyz", 1.0, torch::Tensor(), true});
  Generator a(shape, 3);
  train(a, standardised, s);
  TrainingProblem plain;
  const auto data_sd = data.std(0);
  plain.positives = data / data_sd;
  plain.groups.push_back({"xyz", 1.0, torch::Tensor(), false});
  Generator b(shape, 3);
  s.checkpoint = dir.file("b.ckpt");
  train(b, plain, s);
  torch::NoGradGuard no_grad;
  const auto z = torch::randn({256, 4});
  const auto xa = a.forward(z) / data_sd, xb = b.forward(z);
  // Float rounding over 100 large steps leaves ~0.01; an ignored standardisation gives ~2.
  EXPECT_LT((xa - xb).abs().max().item<double>(), 0.1) << "max difference of the standardised outputs";
  // And the stiff column really is generated at its own scale.
  EXPECT_NEAR(a.forward(z).std(0)[1].item<double>() / 0.05, 1.0, 0.5);
}

TEST(Trainer, ResumedRunEqualsUninterruptedRun) {
  torch::set_num_threads(1);
  TempDir dir;
  torch::manual_seed(0);
  TrainingProblem problem;
  problem.positives = torch::randn({300, 3});
  problem.groups.push_back({"xyz", 1.0, torch::Tensor()});
  const GeneratorShape shape = toy_shape();
  TrainSettings s;
  s.steps = 20;
  s.batch = 32;
  s.positives = 64;
  s.checkpoint_every = 10;
  s.checkpoint = dir.file("run.ckpt");
  s.quiet = true;
  Generator uninterrupted(shape, 1);
  train(uninterrupted, problem, s);  // leaves the step-10 checkpoint behind, as a killed run would
  Generator resumed(shape, 999);     // different initial weights: everything must come from the checkpoint
  s.resume = true;
  train(resumed, problem, s);
  const auto a = uninterrupted.parameters(), b = resumed.parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k) EXPECT_TRUE(torch::equal(a[k], b[k])) << "parameter " << k;
}

TEST(Trainer, EthanolSmokeTestWritesALoadableValidGenerator) {
  torch::set_num_threads(2);
  TempDir dir;
  const std::string ex = drift_test::source_path("examples/ethanol");
  {
    std::vector<std::string> args = {"lmp", "-log", "none", "-screen", "none", "-nocite", "-var", "dir", ex, "-var", "out",
                                     dir.file("md"), "-var", "T", "500", "-var", "nx", "3", "-var", "melt", "2000",
                                     "-var", "equil", "2000", "-var", "nframes", "20", "-var", "every", "100"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    void* lmp = lammps_open_no_mpi(static_cast<int>(argv.size()), argv.data(), nullptr);
    lammps_file(lmp, (ex + "/in.md").c_str());
    lammps_close(lmp);
  }
  const std::string cfg_text = "data: md.dump\nmolecule: " + ex + "/ethanol.data\ntemperature: 500\nmethod: fk\nspace: dist\n"
                               "generator: {noise_dim: 16, hidden: [64, 64]}\n"
                               "training: {steps: 300, batch: 128, positives: 256, lr: 1.0e-3, warmup: 20, log_every: 100}\n"
                               "output: model.pt\n";
  const auto cfg = read_train_config(dir.write("train.yaml", cfg_text));
  const auto summary = train_from_config(cfg, false, true);
  EXPECT_EQ(summary.frames, 27 * 20);
  EXPECT_NEAR(summary.r_hat, 1.0, 0.25);  // 500 K data for a 500 K target

  torch::jit::ExtraFilesMap extra{{"manifest.yaml", ""}};
  auto model = torch::jit::load(dir.file("model.pt"), torch::kCPU, extra);
  const YAML::Node manifest = YAML::Load(extra["manifest.yaml"]);
  EXPECT_EQ(manifest["schema_version"].as<int>(), kManifestSchemaVersion);
  EXPECT_EQ(manifest["n_atoms"].as<int>(), 9);
  EXPECT_EQ(manifest["method"]["name"].as<std::string>(), "fk");
  EXPECT_EQ(manifest["types"].as<std::vector<int>>(), (std::vector<int>{1, 2, 3, 4, 4, 4, 4, 4, 5}));
  EXPECT_FALSE(std::ifstream(dir.file("model.pt.ckpt")).good()) << "checkpoint left behind after a finished run";

  torch::NoGradGuard no_grad;
  const auto x = model.forward({torch::randn({2000, 16})}).toTensor().to(torch::kFloat64).contiguous();
  ASSERT_EQ(x.sizes(), (std::vector<int64_t>{2000, 9, 3}));
  const Topology topo = read_lammps_data(ex + "/ethanol.data");
  EnsembleStats reference(topo, MetricSettings{}), generated(topo, MetricSettings{}), noise(topo, MetricSettings{});
  Conformation c;
  for (int64_t k = 0; k < 2000; ++k) {
    c.x.assign(x[k].data_ptr<double>(), x[k].data_ptr<double>() + 27);
    generated.add(c);
    // Random noise with the data's spread around the template: the baseline to beat.
    auto r = torch::randn({27}, torch::kFloat64) * 0.3;
    c.x = topo.template_positions;
    for (int j = 0; j < 27; ++j) c.x[j] += r[j].item<double>();
    noise.add(c);
    c.x = topo.template_positions;
    reference.add(c);
  }
  const double valid_generated = generated.valid_fraction(reference.bond_means(), 0.2);
  const double valid_noise = noise.valid_fraction(reference.bond_means(), 0.2);
  std::printf("valid@0.2: generated %.3f, noise %.3f\n", valid_generated, valid_noise);
  EXPECT_GT(valid_generated, valid_noise + 0.2);
}
