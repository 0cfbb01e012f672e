// drift-train's machinery: configuration validation, exact resume, and an ethanol smoke test
// (tiny MD through LAMMPS -> tiny training -> a model file that loads with its manifest).
#include <torch/script.h>
#include <torch/torch.h>

#include <library.h>
#include <sstream>
#include <yaml-cpp/yaml.h>

#include "drift/conformation_source.hpp"
#include "drift/ensemble_stats.hpp"
#include "drift/geometry.hpp"
#include "drift/torsions.hpp"
#include "drift/torch/features.hpp"
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

// read_train_config of `yaml`, written to `name`, throws with every fragment in its message.
void expect_config_error(TempDir& dir, const std::string& name, const std::string& yaml,
                         std::initializer_list<std::string> fragments) {
  drift_test::expect_error<std::runtime_error>([&] { read_train_config(dir.write(name, yaml)); }, fragments);
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
  expect_config_error(dir, "a.yaml", base + "methdo: fk\n", {"a.yaml:5", "methdo", "unknown key"});
  expect_config_error(dir, "b.yaml", base + "method: fx\n", {"b.yaml:5", "method", "drift, fi or fk"});
  expect_config_error(dir, "c.yaml", base + "training: {stepz: 3}\n", {"c.yaml:5", "training.stepz", "unknown key"});
  expect_config_error(dir, "d.yaml", "data: d\nmolecule: m\noutput: o\ntemperature: hot\n", {"d.yaml", "temperature"});
  expect_config_error(dir, "e.yaml", "data: x\n", {"e.yaml", "missing required key 'molecule'"});
  expect_config_error(dir, "f.yaml", base + "relabel: true\n", {"f.yaml", "relabel", "forcefield"});
  expect_config_error(dir, "g.yaml", "data: [1\n", {"g.yaml", "not valid YAML"});
  EXPECT_EQ(ok.training.ema, 0.999);
  EXPECT_EQ(ok.fi_preconditioner, "fisher");
  EXPECT_EQ(ok.data_temperature, 0.0);
  EXPECT_EQ(read_train_config(dir.write("dt.yaml", base + "method: fk\ndata_temperature: 300\n")).data_temperature, 300.0);
  expect_config_error(dir, "t0.yaml", base + "data_temperature: -3\n", {"t0.yaml:5", "data_temperature", "positive"});
  // Keys that the method would ignore are errors, not silently dropped (fails if the checks go).
  expect_config_error(dir, "t1.yaml", base + "data_temperature: 300\n",
                      {"t1.yaml:5", "data_temperature", "plain drift does not use it"});
  expect_config_error(dir, "p1.yaml", base + "method: fk\nforcefield: f.lmp\nfi_preconditioner: hessian\n",
                      {"p1.yaml:7", "fi_preconditioner", "method: fi only", "'fk'"});
  EXPECT_EQ(read_train_config(dir.write("p.yaml", base + "method: fi\nforcefield: f.lmp\nfi_preconditioner: hessian\n")).fi_preconditioner,
            "hessian");
  expect_config_error(dir, "q.yaml", base + "fi_preconditioner: hessian\n",
                      {"q.yaml:5", "fi_preconditioner", "needs 'forcefield:'"});
  expect_config_error(dir, "s.yaml", base + "fi_preconditioner: newton\n",
                      {"s.yaml:5", "fi_preconditioner", "fisher or hessian", "newton"});
  EXPECT_EQ(read_train_config(dir.write("ema.yaml", base + "training: {ema: 0}\n")).training.ema, 0.0);
  expect_config_error(dir, "h.yaml", base + "training: {ema: 1}\n", {"h.yaml:5", "training.ema", "[0, 1)"});
  // Silently accepted before. Mutations (tried): dropping each check lets the value through.
  expect_config_error(dir, "nan1.yaml", base + "method: fi\nomega: .nan\n", {"nan1.yaml:6", "omega", "finite"});
  expect_config_error(dir, "nan2.yaml", base + "method: fk\ngamma: .nan\n", {"nan2.yaml:6", "gamma", "finite number or 'auto'"});
  expect_config_error(dir, "fe.yaml", base + "method: fk\nfk_energies: integrated\n",
                      {"fe.yaml:6", "fk_energies", "labels or force-integrated", "'integrated'"});
  expect_config_error(dir, "fe2.yaml", base + "method: fi\nfk_energies: force-integrated\n", {"fe2.yaml:6", "method: fk only"});
  expect_config_error(dir, "mf.yaml", base + "max_frames: -2\n", {"mf.yaml:5", "max_frames", "must be >= 0", "got -2"});
  expect_config_error(dir, "w0.yaml", base + "feature_groups: {all: 0, bonds: 0}\n",
                      {"w0.yaml:5", "feature_groups", "every group has weight 0"});
  // field_chunk: read, and refused where it does not divide the batch or starves a chunk of
  // positives. Mutations: dropping either check, or not reading the key (the 128 below is lost).
  EXPECT_EQ(read_train_config(dir.write("fc.yaml", base + "training: {batch: 512, field_chunk: 128}\n")).training.field_chunk, 128);
  expect_config_error(dir, "fc1.yaml", base + "training: {batch: 512, field_chunk: 100}\n",
                      {"fc1.yaml:5", "training.field_chunk", "divide training.batch (512)", "got 100"});
  expect_config_error(dir, "fc2.yaml", base + "training: {batch: 512, positives: 2, field_chunk: 128}\n",
                      {"fc2.yaml:5", "training.field_chunk", "positives (2) must be >= batch / field_chunk (4)"});
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
  // Torsion groups: a group named torsions is label-free by default; others say which.
  const auto tor = read_train_config(dir.write(
      "t.yaml", base + "feature_groups: {torsions: 1, named: {torsions: labelled, harmonics: 3, weight: 0.5}}\n"));
  EXPECT_EQ(tor.feature_groups.at("torsions").torsions, "label-free");
  EXPECT_EQ(tor.feature_groups.at("torsions").harmonics, 1);
  EXPECT_EQ(tor.feature_groups.at("named").torsions, "labelled");
  EXPECT_EQ(tor.feature_groups.at("named").harmonics, 3);
  EXPECT_TRUE(ok.feature_groups.at("stiff").torsions.empty());
  expect_config_error(dir, "a.yaml", base + "feature_groups: {rotors: 1}\n",
                      {"a.yaml:5", "feature_groups.rotors", "needs 'pairs: all|bonds|angles', 'torsions: label-free|labelled' or 'energy: true'"});
  expect_config_error(dir, "i.yaml", base + "feature_groups: {x: {torsions: pooled}}\n",
                      {"i.yaml:5", "feature_groups.x.torsions", "label-free or labelled", "pooled"});
  expect_config_error(dir, "j.yaml", base + "feature_groups: {x: {torsions: labelled, pairs: all}}\n",
                      {"j.yaml:5", "feature_groups.x", "not both"});
  const auto energy = read_train_config(dir.write("en.yaml", base + "forcefield: ff.lmp\nfeature_groups: {all: 1, energy: 0.5}\n"));
  EXPECT_TRUE(energy.feature_groups.at("energy").energy);
  EXPECT_FALSE(energy.feature_groups.at("all").energy);
  expect_config_error(dir, "m.yaml", base + "feature_groups: {energy: 1}\n",
                      {"m.yaml:5", "feature_groups.energy", "needs 'forcefield:'"});
  expect_config_error(dir, "n.yaml", base + "forcefield: f\nfeature_groups: {e: {energy: true, pairs: all}}\n",
                      {"n.yaml:6", "feature_groups.e", "not both"});
  expect_config_error(dir, "k.yaml", base + "feature_groups: {all: {harmonics: 2}}\n",
                      {"k.yaml:5", "feature_groups.all.harmonics", "torsion groups only"});
  expect_config_error(dir, "l.yaml", base + "feature_groups: {torsions: {harmonics: 0}}\n",
                      {"l.yaml:5", "feature_groups.torsions.harmonics", "from 1 to 12"});
  expect_config_error(dir, "g.yaml", base + "feature_groups: {x: {pairs: torsions}}\n",
                      {"g.yaml:5", "feature_groups.x.pairs", "all, bonds or angles", "torsions"});
  expect_config_error(dir, "b.yaml", base + "feature_groups: {all: {wieght: 1}}\n",
                      {"b.yaml:5", "feature_groups.all.wieght", "unknown key"});
  expect_config_error(dir, "c.yaml", base + "feature_groups: {all: -1}\n", {"c.yaml:5", ">= 0"});
  expect_config_error(dir, "f.yaml", base + "feature_groups: {all: {standardise: maybe}}\n",
                      {"f.yaml:5", "feature_groups.all.standardise", "true or false"});
  expect_config_error(dir, "h.yaml", base + "space: coord\nfeature_groups: {all: 1}\n",
                      {"h.yaml:6", "feature_groups", "space: dist"});
  expect_config_error(dir, "e.yaml", base + "feature_groups: {all: {kernel_temperatures: [0.1, 0]}}\n",
                      {"e.yaml:5", "kernel_temperatures", "positive"});
}

// Torsion features are cos and sin of n*phi with phi the dihedral of drift-compare, and the label-free
// ones do not change when the identical methyl H trade places. Mutations: the opposite sign of the
// projection m1 flips every sin (max error 2); pooling with the labelled dihedral only breaks the
// permutation invariance (difference ~1).
TEST(TorsionFeatures, MatchDihedralsAndIgnoreRelabelling) {
  const Topology topo = read_lammps_data(drift_test::ethanol_data());
  ConformationSource src(drift_test::source_path("potentials/ethanol-reference-500K.xyz"), topo);
  std::vector<Conformation> confs;
  Conformation c;
  while (confs.size() < 200 && src.next(c)) confs.push_back(c);
  auto x = torch::empty({200, 9, 3}, torch::kFloat64);
  auto swapped = x.clone();
  for (int k = 0; k < 200; ++k)
    for (int a = 0; a < 9; ++a)
      for (int d = 0; d < 3; ++d) {
        x[k][a][d] = confs[k].x[3 * a + d];
        const int from = a >= 5 && a <= 7 ? 5 + (a - 5 + 1) % 3 : a;  // H6 <- H7 <- H8 <- H6
        swapped[k][a][d] = confs[k].x[3 * from + d];
      }
  const auto torsions = find_rotatable_torsions(topo);
  const auto labelled = torsion_feature_map(topo, false, 2);
  ASSERT_EQ(labelled.size(), 8);  // 2 torsions x 2 harmonics x (cos, sin)
  const auto f = torsion_features(x, labelled);  // columns: cos 1phi [t], sin 1phi [t], cos 2phi [t], sin 2phi [t]
  double worst = 0;
  for (int k = 0; k < 200; ++k)
    for (size_t t = 0; t < 2; ++t) {
      const auto& tor = torsions[t];
      const double phi = dihedral_degrees(confs[k].x, tor.a, tor.b, tor.c, tor.d) * M_PI / 180.0;
      for (int m = 1; m <= 2; ++m) {
        worst = std::max(worst, std::fabs(f[k][(m - 1) * 4 + t].item<double>() - std::cos(m * phi)));
        worst = std::max(worst, std::fabs(f[k][(m - 1) * 4 + 2 + t].item<double>() - std::sin(m * phi)));
      }
    }
  EXPECT_LT(worst, 1e-6);
  const auto free = torsion_feature_map(topo, true, 1);
  EXPECT_EQ(free.quads.size(0), 4);  // 3 methyl dihedrals + 1 hydroxyl
  EXPECT_LT((torsion_features(x, free) - torsion_features(swapped, free)).abs().max().item<double>(), 1e-9);
  EXPECT_GT((torsion_features(x, labelled) - torsion_features(swapped, labelled)).abs().max().item<double>(), 0.5);
  // The label-free methyl feature is cos(3 phi) pooled: close to cos(3 phi) of any one H for staggered H.
  const auto g = torsion_features(x, free);
  double mean_abs = 0;
  for (int k = 0; k < 200; ++k) mean_abs += std::fabs(g[k][0].item<double>()) / 200;
  EXPECT_GT(mean_abs, 0.5);  // n = 3 for the methyl rotor; n = 1 would average to ~0
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

// The model holds the moving average of the weights: recomputed here from the weights after every
// step (each from a deterministic run of that many steps without averaging). Mutations: saving the
// last weights, or a decay without the (1 + t)/(10 + t) warm-up, miss it by far more than 1e-6.
TEST(Trainer, ModelIsTheMovingAverageOfTheWeights) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  TrainingProblem problem;
  problem.positives = torch::randn({200, 3});
  problem.groups.push_back({"xyz", 1.0, torch::Tensor()});
  TrainSettings s;
  s.batch = 16;
  s.positives = 32;
  s.quiet = true;
  s.checkpoint_every = 0;
  s.ema = 0;
  s.lr = 1e-2;
  s.warmup = 1;
  const double lr = s.lr;
  const int steps = 15;
  std::vector<torch::Tensor> expected;
  for (int t = 1; t <= steps; ++t) {
    Generator g(toy_shape(), 3);
    s.steps = t;
    train(g, problem, s);
    const auto w = g.parameters();
    if (t == 1) {
      // The average starts at the initial weights: one step of decay 1/10 from them.
      Generator g0(toy_shape(), 3);
      s.steps = 1;
      s.lr = 1e-30;  // the initialised weights, barely moved
      train(g0, problem, s);
      s.lr = lr;
      for (size_t k = 0; k < w.size(); ++k) expected.push_back(g0.parameters()[k].clone());
    }
    const double decay = std::min(0.9, (1.0 + (t - 1)) / (10.0 + (t - 1)));
    for (size_t k = 0; k < w.size(); ++k) expected[k] = decay * expected[k] + (1 - decay) * w[k];
  }
  Generator averaged(toy_shape(), 3);
  s.steps = steps;
  s.ema = 0.9;
  train(averaged, problem, s);
  Generator last(toy_shape(), 3);
  s.ema = 0;
  train(last, problem, s);
  double diff = 0, moved = 0;
  for (size_t k = 0; k < expected.size(); ++k) {
    diff = std::max(diff, (averaged.parameters()[k] - expected[k]).abs().max().item<double>());
    moved = std::max(moved, (averaged.parameters()[k] - last.parameters()[k]).abs().max().item<double>());
  }
  EXPECT_LT(diff, 1e-6);
  EXPECT_GT(moved, 1e-4);  // the average is not the last weights
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
    lammps_file(lmp, (ex + "/../in.md").c_str());
    lammps_close(lmp);
  }
  const std::string cfg_text = "data: md.dump\nmolecule: " + ex + "/ethanol.data\ntemperature: 500\nmethod: fk\nspace: dist\n"
                               "generator: {noise_dim: 16, hidden: [64, 64]}\n"
                               "training: {steps: 300, batch: 128, positives: 256, lr: 1.0e-3, warmup: 20, log_every: 100}\n"
                               "output: model.pt\n";
  const auto cfg = read_train_config(dir.write("train.yaml", cfg_text));
  const auto summary = train_from_config(cfg, TrainRun{false, true});
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

// Method paths fail loudly instead of quietly degrading. FK on frames without energies is an
// error naming the way out, and 'fk_energies: force-integrated' is the explicit way; forces 23x
// too small (eV/A read as kcal/mol/A) give r_hat ~ 23, an error that suggests the units.
// Mutations (tried): the fallback to force-integrated energies restored (no error), the r_hat
// bound removed (training goes on with a transport 23x off).
TEST(Trainer, MethodPathsFailLoudly) {
  TempDir dir;
  std::istringstream in(drift_test::read_text(drift_test::source_path("potentials/ethanol-reference-500K.xyz")));
  std::ostringstream no_energy, ev_forces;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream w(line);
    std::vector<std::string> words;
    for (std::string s; w >> s;) words.push_back(s);
    if (words.size() == 7) {  // species x y z fx fy fz
      ev_forces << words[0];
      for (int k = 1; k < 7; ++k) ev_forces << ' ' << (k < 4 ? std::stod(words[k]) : std::stod(words[k]) / 23.06);
      ev_forces << '\n';
      no_energy << line << '\n';
    } else {
      ev_forces << line << '\n';
      const auto at = line.find(" energy=");
      no_energy << (at == std::string::npos ? line : line.substr(0, at) + line.substr(line.find(' ', at + 1))) << '\n';
    }
  }
  dir.write("no-energy.xyz", no_energy.str());
  dir.write("ev-forces.xyz", ev_forces.str());
  const std::string common = "molecule: " + drift_test::ethanol_data() + "\ntemperature: 500\nmax_frames: 200\nspace: dist\n"
                             "generator: {noise_dim: 4, hidden: [16]}\ntraining: {steps: 2, batch: 16, positives: 16, log_every: 1}\n";
  auto config = [&](const std::string& name, const std::string& text) { return read_train_config(dir.write(name, text)); };
  drift_test::expect_error<std::runtime_error>(
      [&] { train_from_config(config("fk.yaml", "data: no-energy.xyz\nmethod: fk\noutput: fk.pt\n" + common), TrainRun{false, true}); },
      {"no-energy.xyz: 200 of 200 frames carry no energy", "fk_energies: force-integrated"});
  const auto explicit_run =
      train_from_config(config("fk2.yaml", "data: no-energy.xyz\nmethod: fk\nfk_energies: force-integrated\noutput: fk2.pt\n" + common),
                        TrainRun{false, true});
  EXPECT_NE(explicit_run.manifest.find("energy_source: forces"), std::string::npos) << explicit_run.manifest;
  drift_test::expect_error<std::runtime_error>(
      [&] { train_from_config(config("ev.yaml", "data: ev-forces.xyz\nmethod: fi\noutput: ev.pt\n" + common), TrainRun{false, true}); },
      {"ev-forces.xyz: the forces give a data temperature ratio", "outside [0.1, 10]", "units: real"});
  // The same frames with their real forces train (the bound does not catch good data).
  EXPECT_NO_THROW(train_from_config(
      config("ok.yaml", "data: " + drift_test::source_path("potentials/ethanol-reference-500K.xyz") + "\nmethod: fi\noutput: ok.pt\n" + common),
      TrainRun{false, true}));
}
