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
#include "drift/sampler/generator_runner.hpp"
#include "drift/sampler/replica_sampler.hpp"
#include "drift/topology.hpp"
#include "drift/torch/drift_field.hpp"
#include "drift/torch/fast_ops.hpp"
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

// Generator: samples/s of one forward pass (ethanol MLP 32-256-256-256-27, 1x1 convolutions) at a
// batch and a LibTorch thread count (arguments: batch, threads). The fix's target (>= 80% of this) is
// at the same batch and threads: fix drift/boltzmann runs threads 1 per rank unless told otherwise.
void BM_Generate(benchmark::State& state) {
  torch::set_num_threads(static_cast<int>(state.range(1)));
  drift::GeneratorShape shape;
  shape.n_atoms = 9;
  drift::Generator gen(shape, 0);
  const auto z = torch::randn({state.range(0), 32});
  torch::NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(gen.forward(z).data_ptr<float>());
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(state.range(0) * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Generate)->ArgsProduct({{256, 1024, 8192}, {1, 2}})->Unit(benchmark::kMillisecond);

// The fix's generation path without LAMMPS, on the shipped ethanol model: GeneratorRunner at a
// batch (what the fix's chunks cost) and ReplicaSampler on `count` molecules (noise, chunked
// generation, validity, rotation, placement; velocities kept, the fix's default). Arguments:
// rows, threads (and the sampler's chunk).
const std::string& shipped_model() {
  static const std::string p = std::string(DRIFT_SOURCE_DIR) + "/potentials/ethanol-fi-dist.pt";
  return p;
}

void BM_RunnerGenerate(benchmark::State& state) {
  const int64_t rows = state.range(0);
  drift::GeneratorRunner runner(shipped_model(), "cpu", static_cast<int>(state.range(1)));
  std::vector<float> z(rows * runner.manifest().noise_dim, 0.5f);
  std::vector<double> out(rows * 3 * runner.manifest().n_atoms);
  for (auto _ : state) {
    runner.generate(z.data(), out.data(), rows, false);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(rows * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RunnerGenerate)->ArgsProduct({{256, 512, 1024, 2048, 8192}, {1}})->Unit(benchmark::kMillisecond);

void BM_ReplicaSampler(benchmark::State& state) {
  const int64_t count = state.range(0);
  drift::SamplerOptions options;
  options.threads = static_cast<int>(state.range(1));
  options.chunk = state.range(2);
  drift::ReplicaSampler sampler(shipped_model(), options);
  const int n = sampler.manifest().n_atoms;
  std::vector<int64_t> keys(count);
  for (int64_t m = 0; m < count; ++m) keys[m] = m + 1;
  std::vector<double> current(count * 3 * n);
  for (int64_t m = 0; m < count; ++m)
    for (int i = 0; i < 3 * n; ++i) current[m * 3 * n + i] = ethanol().template_positions[i] + 30.0 * (m % 64);
  drift::SampleRequest req;
  req.keys = keys.data();
  req.count = count;
  req.current = current.data();
  drift::SampleResult result;
  for (auto _ : state) {
    sampler.sample(req, result);
    ++req.key.event;
    benchmark::DoNotOptimize(result.placed.data());
  }
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(count * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReplicaSampler)->ArgsProduct({{8192}, {1}, {256, 1024}})->Unit(benchmark::kMillisecond);

// What a training-step benchmark needs: the ethanol generator with gradients on, its pair-distance
// features, and `batch` data samples in those features.
struct TrainStepSetup {
  drift::Generator gen;
  torch::Tensor pairs = torch::triu_indices(9, 9, 1).t().contiguous();
  torch::Tensor data;
  explicit TrainStepSetup(int64_t batch) : gen(ethanol_shape(), 0) {
    torch::set_num_threads(2);
    for (auto& p : gen.parameters()) p.set_requires_grad(true);
    data = dist(torch::randn({batch, 9, 3}));
  }
  static drift::GeneratorShape ethanol_shape() {
    drift::GeneratorShape shape;
    shape.n_atoms = 9;
    return shape;
  }
  torch::Tensor dist(const torch::Tensor& x) const {
    const auto a = x.index_select(1, pairs.select(1, 0)), c = x.index_select(1, pairs.select(1, 1));
    return torch::sqrt(((a - c) * (a - c)).sum(2) + 1e-12);
  }
};

void step_counters(benchmark::State& state, int64_t batch) {
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(batch * state.iterations()), benchmark::Counter::kIsRate);
}

// One training step in distance space: forward, field (3 temperatures), backward, no optimiser.
void BM_TrainStep(benchmark::State& state) {
  const int64_t b = state.range(0);
  TrainStepSetup t(b);
  for (auto _ : state) {
    const auto fx = t.dist(t.gen.forward(torch::randn({b, 32})));
    const auto field = drift::drifting_field({fx.detach(), t.data, {}, {}, {}, 0}, drift::FieldSettings{});
    const auto loss = (fx / field.feature_scale - (fx.detach() / field.feature_scale + field.drift)).pow(2).mean();
    loss.backward();
  }
  step_counters(state, b);
}
BENCHMARK(BM_TrainStep)->Arg(256)->Arg(512)->Arg(1024)->Arg(2048)->Arg(4096)->Arg(8192)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The two ways to multiply: torch::matmul (the libblas.so.3 alternative: reference BLAS or OpenBLAS)
// against a 1x1 convolution (oneDNN), at the field's shape (range(1) = 0: [B, 2B] x [2B, 36])
// and a generator layer's (1: [B, 256] x [256, 256]).
void BM_Product(benchmark::State& state) {
  torch::set_num_threads(2);
  const int64_t b = state.range(0);
  const bool layer = state.range(1) == 1, conv = state.range(2) == 1;
  torch::manual_seed(0);
  const auto a = layer ? torch::randn({b, 256}) : torch::rand({b, 2 * b});
  const auto m = layer ? torch::randn({256, 256}) : torch::randn({2 * b, 36});
  auto conv1x1 = [](const torch::Tensor& x, const torch::Tensor& y) {
    return torch::conv1d(x.t().unsqueeze(0).contiguous(), y.t().unsqueeze(-1).contiguous()).squeeze(0).t();
  };
  for (auto _ : state) benchmark::DoNotOptimize((conv ? conv1x1(a, m) : torch::matmul(a, m)).data_ptr<float>());
  state.SetLabel(std::string(layer ? "layer" : "field") + (conv ? " conv1x1" : " matmul") +
                 (drift::blas_is_openblas() ? ", OpenBLAS" : ", reference BLAS"));
}
BENCHMARK(BM_Product)->ArgsProduct({{512, 4096}, {0, 1}, {0, 1}})->Unit(benchmark::kMillisecond);

// One training step with the field in chunks of 512 generated rows, each against its own 512
// positives (training.field_chunk: 512): the cost per sample stays that of batch 512.
void BM_TrainStepChunked(benchmark::State& state) {
  const int64_t b = state.range(0), chunk = 512;
  TrainStepSetup t(b);
  for (auto _ : state) {
    const auto fx = t.dist(t.gen.forward(torch::randn({b, 32})));
    torch::Tensor loss = torch::zeros({});
    for (int64_t r = 0; r < b; r += chunk) {
      const auto mine = fx.slice(0, r, r + chunk);
      const auto field = drift::drifting_field({mine.detach(), t.data.slice(0, r, r + chunk), {}, {}, {}, 0}, drift::FieldSettings{});
      loss = loss + (mine / field.feature_scale - (mine.detach() / field.feature_scale + field.drift)).pow(2).sum() / fx.numel();
    }
    loss.backward();
  }
  step_counters(state, b);
}
BENCHMARK(BM_TrainStepChunked)->Arg(512)->Arg(1024)->Arg(4096)->Arg(8192)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The drifting field alone on ethanol distance features (36): plain drift and with FK's
// per-positive weights (range(1) = 1).
void BM_DriftingField(benchmark::State& state) {
  torch::set_num_threads(2);
  const int64_t b = state.range(0);
  torch::manual_seed(0);
  const auto generated = torch::rand({b, 36}) + 1.0;
  drift::FieldInput in{generated, torch::rand({b, 36}) + 1.0, {}, {}, {}, 0};
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
