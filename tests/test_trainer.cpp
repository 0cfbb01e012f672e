// drift-train's machinery: configuration validation, exact resume, and an ethanol smoke test
// (tiny MD through LAMMPS -> tiny training -> a model file that loads with its manifest).
#include <torch/script.h>
#include <torch/torch.h>

#include <library.h>
#include <set>
#include <sstream>
#include <tuple>
#include <yaml-cpp/yaml.h>

#include "drift/backbone.hpp"
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

}  // namespace

namespace {
// Signed volume of atoms 0-3 of frame m: its sign is the frame's handedness.
double handedness(const torch::Tensor& x, int64_t m) {
  const auto a = x[m][1] - x[m][0], b = x[m][2] - x[m][0], c = x[m][3] - x[m][0];
  return torch::dot(torch::linalg_cross(a, b), c).item<double>();
}
}  // namespace

// align_frames moves each frame rigidly and never mirrors it: proper rotations of a chiral
// structure land on one reference, mirror images keep their handedness (and cannot land), and
// forces turn with their frame. Mutations tried: no determinant correction in kabsch (the mirror
// frames are reflected onto the reference: handedness flips, RMSD ~0); the forces not rotated.
TEST(AlignFrames, RotatesWithoutReflectingAndTurnsTheForces) {
  torch::manual_seed(5);
  const auto base = torch::tensor(std::vector<double>{0, 0, 0, 1.5, 0, 0, 0, 1.1, 0, 0.3, 0.2, 1.3, -0.8, -0.6, 0.4},
                                  torch::kFloat64).reshape({5, 3});
  const int64_t frames = 12;
  auto x = torch::empty({frames, 5, 3}, torch::kFloat64);
  for (int64_t m = 0; m < frames; ++m) {
    const auto q = std::get<0>(torch::linalg_qr(torch::randn({3, 3}, torch::kFloat64)));
    auto rot = q * torch::sign(torch::linalg_det(q));  // a proper rotation
    auto frame = torch::matmul(base, rot) + torch::randn({1, 3}, torch::kFloat64) * 3.0;
    if (m >= frames - 2) frame = frame * torch::tensor(std::vector<double>{1, 1, -1}, torch::kFloat64);  // mirrored
    x[m] = frame + 0.01 * torch::randn({5, 3}, torch::kFloat64);
  }
  const auto before = x.clone();
  auto forces = 2.0 * (x - x.mean(1, true));
  const auto ref = align_frames(x, &forces);
  EXPECT_LT(ref.mean(0).abs().max().item<double>(), 1e-9);  // centred
  for (int64_t m = 0; m < frames; ++m) {
    // Rigid: every pair distance kept; proper: the handedness kept.
    EXPECT_LT((torch::cdist(x[m], x[m]) - torch::cdist(before[m], before[m])).abs().max().item<double>(), 1e-9) << m;
    EXPECT_GT(handedness(x, m) * handedness(before, m), 0.0) << "frame " << m << " was mirrored";
    EXPECT_LT((forces[m] - 2.0 * x[m]).abs().max().item<double>(), 1e-9) << "forces of frame " << m << " not turned with it";
    // Against frame 0 (the reference is the mean, which the mirror frames pull off): the proper
    // copies agree within their noise (0.01 per coordinate), the mirror images do not.
    const double rmsd = (x[m] - x[0]).pow(2).sum(1).mean().sqrt().item<double>();
    if (m < frames - 2) EXPECT_LT(rmsd, 0.06) << m;
    else EXPECT_GT(rmsd, 0.3) << "a mirror image was aligned onto frame 0 (frame " << m << ")";
  }
}

// The distance groups' pairs on ethanol (8 bonds, 13 bond angles, 36 pairs) and on alanine
// dipeptide (21 bonds; a molecule with branches beyond one centre): bonds are the data file's,
// angle pairs are the unbonded ends of two bonds that share an atom, each once. Mutations tried:
// the inner loop from j = i (self pairs), the neighbour lists' i and j
// unordered (fails the i < j check).
TEST(FeatureGroups, PairsOfBondsAnglesAndAll) {
  for (const auto& [file, bonds, angles] : {std::tuple<std::string, size_t, size_t>{"examples/ethanol/ethanol.data", 8, 13},
                                            {"examples/alanine-dipeptide/alanine-dipeptide.data", 21, 36}}) {
    const Topology topo = read_lammps_data(drift_test::source_path(file));
    const auto b = group_pairs(topo, "bonds"), a = group_pairs(topo, "angles"), all = group_pairs(topo, "all");
    EXPECT_EQ(b.size(), bonds) << file;
    EXPECT_EQ(a.size(), angles) << file;
    EXPECT_EQ(all.size(), static_cast<size_t>(topo.n_atoms * (topo.n_atoms - 1) / 2)) << file;
    for (const auto& p : b) EXPECT_TRUE(p[0] < p[1] && topo.bonded(static_cast<int>(p[0]), static_cast<int>(p[1]))) << file;
    std::set<std::array<int64_t, 2>> seen;
    for (const auto& p : a) {
      EXPECT_LT(p[0], p[1]) << file;
      EXPECT_FALSE(topo.bonded(static_cast<int>(p[0]), static_cast<int>(p[1]))) << file;
      int shared = 0;
      for (int c = 0; c < topo.n_atoms; ++c)
        shared += topo.bonded(c, static_cast<int>(p[0])) && topo.bonded(c, static_cast<int>(p[1]));
      EXPECT_EQ(shared, 1) << file << ": pair " << p[0] << "-" << p[1];
      EXPECT_TRUE(seen.insert(p).second) << file << ": pair listed twice";
    }
  }
  EXPECT_THROW(group_pairs(read_lammps_data(drift_test::ethanol_data()), "torsions"), std::invalid_argument);
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
  const auto labelled = torsion_feature_map(topo, "labelled", 2);
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
  const auto free = torsion_feature_map(topo, "label-free", 1);
  EXPECT_EQ(free.quads.size(0), 4);  // 3 methyl dihedrals + 1 hydroxyl
  EXPECT_LT((torsion_features(x, free) - torsion_features(swapped, free)).abs().max().item<double>(), 1e-9);
  EXPECT_GT((torsion_features(x, labelled) - torsion_features(swapped, labelled)).abs().max().item<double>(), 0.5);
  // The label-free methyl feature is cos(3 phi) pooled: close to cos(3 phi) of any one H for staggered H.
  const auto g = torsion_features(x, free);
  double mean_abs = 0;
  for (int k = 0; k < 200; ++k) mean_abs += std::fabs(g[k][0].item<double>()) / 200;
  EXPECT_GT(mean_abs, 0.5);  // n = 3 for the methyl rotor; n = 1 would average to ~0
}

// The backbone group holds cos and sin of (harmonics of) phi and psi of the residue found from the
// bond graph, nothing else: on alanine dipeptide's reference conformations they equal the dihedrals
// of the named backbone atoms, and ethanol has none. Fails if the psi row is built from phi's atoms,
// if the pool mixes the two angles, or if the mode falls back to every rotatable torsion (7 here).
TEST(TorsionFeatures, BackboneGroupIsPhiAndPsiAlone) {
  const auto topo = read_lammps_data(drift_test::source_path("examples/alanine-dipeptide/alanine-dipeptide.data"));
  const auto pairs = find_ramachandran_pairs(topo);
  ASSERT_EQ(pairs.size(), 1u);
  ConformationSource src(drift_test::source_path("potentials/alanine-dipeptide-reference-300K.xyz"), topo);
  std::vector<Conformation> confs;
  Conformation c;
  while (confs.size() < 100 && src.next(c)) confs.push_back(c);
  ASSERT_EQ(confs.size(), 100u);
  auto x = torch::empty({100, topo.n_atoms, 3}, torch::kFloat64);
  for (int k = 0; k < 100; ++k)
    for (int a = 0; a < topo.n_atoms; ++a)
      for (int d = 0; d < 3; ++d) x[k][a][d] = confs[k].x[3 * a + d];
  const auto backbone = torsion_feature_map(topo, "backbone", 2);
  ASSERT_EQ(backbone.size(), 8);  // (phi, psi) x 2 harmonics x (cos, sin)
  const auto f = torsion_features(x, backbone);  // columns: cos 1[phi, psi], sin 1[..], cos 2[..], sin 2[..]
  double worst = 0;
  for (int k = 0; k < 100; ++k)
    for (int t = 0; t < 2; ++t) {
      const auto& q = t == 0 ? pairs[0].phi : pairs[0].psi;
      const double angle = dihedral_degrees(confs[k].x, q[0], q[1], q[2], q[3]) * M_PI / 180.0;
      for (int m = 1; m <= 2; ++m) {
        worst = std::max(worst, std::fabs(f[k][(m - 1) * 4 + t].item<double>() - std::cos(m * angle)));
        worst = std::max(worst, std::fabs(f[k][(m - 1) * 4 + 2 + t].item<double>() - std::sin(m * angle)));
      }
    }
  EXPECT_LT(worst, 1e-6);
  const auto ethanol = read_lammps_data(drift_test::source_path("examples/ethanol/ethanol.data"));
  EXPECT_FALSE(torsion_feature_map(ethanol, "backbone", 1).quads.defined());
  EXPECT_THROW(torsion_feature_map(topo, "phi-psi", 1), std::invalid_argument);
}

// generator.components: the first noise dimension enters only through the component it picks,
// floor(K Phi(z0)), each with probability 1/K. Outputs are bit-identical for two z0 in one
// component's interval and differ across a boundary; K normals fall into the components evenly.
// Fails if z0 also enters as a number (the plain generator), if the thresholds are not the normal
// quantiles (e.g. floor(K z0)), or if the code is not one-hot.
TEST(Generator, ComponentsAreDiscreteCodesOfTheFirstNoiseDimension) {
  torch::manual_seed(0);
  GeneratorShape shape = toy_shape();
  shape.components = 4;  // boundaries of z0 at the normal quantiles -0.6745, 0, 0.6745
  Generator g(shape, 5);
  auto z = torch::randn({1, 4}).repeat({6, 1});
  const float z0[6] = {-2.0f, -0.70f, -0.65f, -0.01f, 0.01f, 0.60f};
  for (int k = 0; k < 6; ++k) z[k][0] = z0[k];
  const auto y = g.forward(z);
  EXPECT_FALSE(torch::equal(y[0], y[1]) && torch::equal(y[0], y[2]));
  EXPECT_TRUE(torch::equal(y[0], y[1]));  // both below -0.6745: component 0
  EXPECT_FALSE(torch::equal(y[1], y[2]));  // across -0.6745
  EXPECT_FALSE(torch::equal(y[3], y[4]));  // across 0
  EXPECT_TRUE(torch::equal(y[4], y[5]));   // both in (0, 0.6745): component 2
  // Each component's share of many normal z0: 1/4 within 4 standard errors.
  const int n = 40000;
  auto many = torch::randn({n, 4});
  const auto codes = g.forward(many).select(1, 0);  // any output distinguishes the components
  auto phi = 0.5 * (1 + torch::erf(many.select(1, 0) / std::sqrt(2.0)));
  const auto k = torch::floor(phi * 4).clamp(0, 3);
  for (int c = 0; c < 4; ++c) EXPECT_NEAR((k == c).sum().item<double>() / n, 0.25, 4 * std::sqrt(0.25 * 0.75 / n));
  // And the network sees them as different inputs: the component mean outputs differ.
  std::vector<double> means;
  for (int c = 0; c < 4; ++c) means.push_back(codes.masked_select(k == c).mean().item<double>());
  for (int a = 0; a < 4; ++a)
    for (int b = a + 1; b < 4; ++b) EXPECT_GT(std::fabs(means[a] - means[b]), 1e-4);
  EXPECT_THROW(([&] { GeneratorShape bad = toy_shape(); bad.components = 1; Generator x(bad, 1); })(), std::invalid_argument);
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

  // The other configuration paths on the same frames, a few steps each: FI in coordinates and
  // plain drift on bond and angle distance groups. Each must train, and its manifest must say what
  // ran. It runs inside the NoGradGuard above, as a caller may: train() turns autograd on itself.
  // Mutations tried: the bonds group built from all pairs (its manifest feature count reads 36,
  // not 8); no AutoGradMode in train() ("does not require grad", found by this test).
  for (const auto& [tag, extra, space, method] :
       {std::tuple<std::string, std::string, std::string, std::string>{"coord", "method: fi\nspace: coord\n", "coord", "fi"},
        {"groups", "method: drift\nspace: dist\nfeature_groups: {stiff: {pairs: bonds}, bend: {pairs: angles, weight: 0.5}}\n", "dist", "drift"}}) {
    const std::string text = "data: md.dump\nmolecule: " + ex + "/ethanol.data\ntemperature: 500\n" + extra +
                             "generator: {noise_dim: 8, hidden: [32]}\ntraining: {steps: 20, batch: 64, positives: 64, log_every: 100}\n"
                             "output: " + tag + ".pt\n";
    const auto run = train_from_config(read_train_config(dir.write(tag + ".yaml", text)), TrainRun{false, true});
    EXPECT_EQ(run.steps, 20) << tag;
    const YAML::Node m = YAML::Load(run.manifest);
    EXPECT_EQ(m["feature_space"].as<std::string>(), space) << tag;
    EXPECT_EQ(m["method"]["name"].as<std::string>(), method) << tag;
    if (tag == "groups") {
      EXPECT_EQ(m["method"]["feature_groups"]["stiff"]["features"].as<int>(), 8) << run.manifest;
      EXPECT_EQ(m["method"]["feature_groups"]["bend"]["features"].as<int>(), 13) << run.manifest;
    }
    auto gen = torch::jit::load(dir.file(tag + ".pt"));
    const auto y = gen.forward({torch::randn({10, 8})}).toTensor();
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{10, 9, 3})) << tag;
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>()) << tag;
  }
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
      auto at = line.find(" lammps_energy=");
      if (at == std::string::npos) at = line.find(" energy=");
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
