// drift-bench: throughput of the foundation's hot paths (Google Benchmark). Numbers, not tests:
// run `drift-bench` and read conformations/s.
#include "drift/allocator.hpp"
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

#include "drift/comparison.hpp"
#include "drift/conformation_source.hpp"
#include "drift/conformation_writer.hpp"
#include "drift/ensemble_stats.hpp"
#include "drift/topology.hpp"
#include "drift/torch/drift_field.hpp"
#include "drift/torch/generator.hpp"

#ifndef DRIFT_SOURCE_DIR
#error "DRIFT_SOURCE_DIR must point at the source tree"
#endif

namespace {

const drift::Topology& ethanol() {
  static const drift::Topology t = drift::read_lammps_data(std::string(DRIFT_SOURCE_DIR) + "/examples/ethanol/ethanol.data");
  return t;
}

std::vector<drift::Conformation> jittered(int n) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> g(0, 0.05);
  std::vector<drift::Conformation> out(n);
  for (auto& c : out) {
    c.x = ethanol().template_positions;
    for (auto& v : c.x) v += g(rng);
    c.f.assign(c.x.size(), 1.0);
    c.energy = g(rng);
  }
  return out;
}

// A dump of 100 frames x 100 molecules, written once per process.
const std::string& sample_dump() {
  static const std::string path = [] {
    std::string p = "/tmp/drift-bench-" + std::to_string(getpid()) + ".dump";
    std::ofstream out(p);
    const auto confs = jittered(100);
    for (int f = 0; f < 100; ++f) drift::write_conformations_dump(out, ethanol(), confs, f);
    return p;
  }();
  return path;
}

void BM_ReadDump(benchmark::State& state) {
  long n = 0;
  for (auto _ : state) {
    drift::ConformationSource src(sample_dump(), ethanol());
    drift::Conformation c;
    while (src.next(c)) ++n;
  }
  state.counters["conformations/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReadDump)->Unit(benchmark::kMillisecond);

void BM_EnsembleStats(benchmark::State& state) {
  const auto confs = jittered(10000);
  for (auto _ : state) {
    drift::EnsembleStats s(ethanol(), drift::MetricSettings{});
    for (const auto& c : confs) s.add(c);
    benchmark::DoNotOptimize(s.count());
  }
  state.counters["conformations/s"] =
      benchmark::Counter(static_cast<double>(confs.size() * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EnsembleStats)->Unit(benchmark::kMillisecond);

void BM_Compare(benchmark::State& state) {
  const auto confs = jittered(static_cast<int>(state.range(0)));
  drift::EnsembleStats a(ethanol(), drift::MetricSettings{}), b(ethanol(), drift::MetricSettings{});
  for (const auto& c : confs) {
    a.add(c);
    b.add(c);
  }
  for (auto _ : state) benchmark::DoNotOptimize(drift::compare(a, b, "x").energy_w1);
}
BENCHMARK(BM_Compare)->Arg(3000)->Arg(100000)->Unit(benchmark::kMillisecond);

// Generator: samples/s of one forward pass (ethanol MLP 32-256-256-256-27, 1x1 convolutions).
void BM_Generate(benchmark::State& state) {
  torch::set_num_threads(2);
  drift::GeneratorShape shape;
  shape.n_atoms = 9;
  drift::Generator gen(shape, 0);
  const auto z = torch::randn({state.range(0), 32});
  torch::NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(gen.forward(z).data_ptr<float>());
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(state.range(0) * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Generate)->Arg(256)->Arg(1024)->Arg(8192)->Unit(benchmark::kMillisecond);

// One training step in distance space: forward, field (3 temperatures), backward, no optimiser.
void BM_TrainStep(benchmark::State& state) {
  torch::set_num_threads(2);
  drift::GeneratorShape shape;
  shape.n_atoms = 9;
  drift::Generator gen(shape, 0);
  auto params = gen.parameters();
  for (auto& p : params) p.set_requires_grad(true);
  const int64_t b = state.range(0);
  const auto pairs = torch::triu_indices(9, 9, 1).t().contiguous();
  auto dist = [&](const torch::Tensor& x) {
    const auto a = x.index_select(1, pairs.select(1, 0)), c = x.index_select(1, pairs.select(1, 1));
    return torch::sqrt(((a - c) * (a - c)).sum(2) + 1e-12);
  };
  const auto data = dist(torch::randn({b, 9, 3}));
  for (auto _ : state) {
    const auto fx = dist(gen.forward(torch::randn({b, 32})));
    const auto field = drift::drifting_field({fx.detach(), data, {}, {}}, drift::FieldSettings{});
    const auto loss = (fx / field.feature_scale - (fx.detach() / field.feature_scale + field.drift)).pow(2).mean();
    loss.backward();
  }
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(b * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TrainStep)->Arg(256)->Arg(512)->Arg(1024)->Arg(2048)->Arg(4096)->Arg(8192)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The drifting field alone on ethanol distance features (36): plain drift and with FK's
// per-positive weights (range(1) = 1).
void BM_DriftingField(benchmark::State& state) {
  torch::set_num_threads(2);
  const int64_t b = state.range(0);
  torch::manual_seed(0);
  const auto generated = torch::rand({b, 36}) + 1.0;
  drift::FieldInput in{generated, torch::rand({b, 36}) + 1.0, {}, {}};
  if (state.range(1)) in.log_weights = torch::zeros({b});
  for (auto _ : state) benchmark::DoNotOptimize(drift::drifting_field(in, drift::FieldSettings{}).drift);
  state.counters["fields/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DriftingField)->Args({512, 0})->Args({512, 1})->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  drift::keep_large_allocations_in_heap();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::remove(sample_dump().c_str());
  return 0;
}
