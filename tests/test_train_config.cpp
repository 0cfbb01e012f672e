// drift-train's configuration reader: every key validated, errors name file, line and key.
#include <stdexcept>

#include "drift/train_config.hpp"
#include "test_util.hpp"

using namespace drift;
using drift_test::TempDir;

namespace {
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
  // generator.components (a discrete code) and the backbone torsion group: read, and refused where
  // meaningless. Mutations: not reading components (the 8 is lost); dropping the 1 or noise_dim checks.
  EXPECT_EQ(read_train_config(dir.write("k.yaml", base + "generator: {components: 8}\n")).components, 8);
  EXPECT_EQ(read_train_config(dir.write("k0.yaml", base)).components, 0);
  expect_config_error(dir, "k1.yaml", base + "generator: {components: 1}\n", {"k1.yaml:5", "generator.components", "0 (none) or 2 to 256"});
  expect_config_error(dir, "k2.yaml", base + "generator: {noise_dim: 1, components: 4}\n",
                      {"k2.yaml:5", "generator.components", "noise_dim >= 2"});
  EXPECT_EQ(read_train_config(dir.write("bb.yaml", base + "feature_groups: {rama: {torsions: backbone, harmonics: 2}}\n"))
                .feature_groups.at("rama").torsions,
            "backbone");
  expect_config_error(dir, "bb1.yaml", base + "feature_groups: {rama: {torsions: phipsi}}\n",
                      {"bb1.yaml:5", "torsions", "label-free, labelled or backbone", "'phipsi'"});
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
                      {"a.yaml:5", "feature_groups.rotors", "needs 'pairs: all|bonds|angles', 'torsions: label-free|labelled|backbone' or 'energy: true'"});
  expect_config_error(dir, "i.yaml", base + "feature_groups: {x: {torsions: pooled}}\n",
                      {"i.yaml:5", "feature_groups.x.torsions", "label-free, labelled or backbone", "pooled"});
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

// Found by the configuration fuzzer (tests/fuzz/regressions/train_config/mapping-as-group-name*):
// a mapping used as a group name reached yaml-cpp's "bad conversion", which names no file.
// Mutation: the former kv.first.as<std::string>() (the message lacks "k.yaml:5").
TEST(TrainConfig, KeysMustBeNames) {
  TempDir dir;
  const std::string base = "data: d.dump\nmolecule: m.data\ntemperature: 500\noutput: o.pt\n";
  expect_config_error(dir, "k.yaml", base + "feature_groups: {all: 1.0, {pairs: angles}: 2}\n",
                      {"k.yaml:5", "feature_groups", "expected a key name, found a mapping"});
  expect_config_error(dir, "t.yaml", base + "training: {[steps]: 3}\n", {"t.yaml:5", "training", "found a list"});
  expect_config_error(dir, "r.yaml", base + "[a, b]: 1\n", {"r.yaml:5", "configuration", "found a list"});
}
