#include "drift/torch/trainer.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <unistd.h>

#include <torch/csrc/jit/runtime/graph_executor.h>

#include "drift/counter_rng.hpp"

namespace drift {

namespace {

torch::Tensor raw_features(const torch::Tensor& x, const FeatureGroup& g) {
  if (g.scalar) {
    // In batches of 4096 (the data's energies at setup); value plus <grad, x - x.detach()>: the
    // value in the forward pass, the given gradient in the backward pass.
    std::vector<torch::Tensor> out;
    for (int64_t b = 0; b < x.size(0); b += 4096) {
      const auto xb = x.slice(0, b, std::min<int64_t>(x.size(0), b + 4096));
      const auto [value, grad] = g.scalar(xb.detach());
      const auto v = value.to(xb.scalar_type()).unsqueeze(1);
      out.push_back(xb.requires_grad() ? v + ((xb - xb.detach()) * grad.to(xb.scalar_type())).sum({1, 2}).unsqueeze(1) : v);
    }
    return torch::cat(out, 0);
  }
  if (g.torsions.quads.defined()) return torsion_features(x, g.torsions);
  if (!g.pairs.defined()) return x.reshape({x.size(0), -1});
  const auto a = x.index_select(1, g.pairs.select(1, 0));
  const auto b = x.index_select(1, g.pairs.select(1, 1));
  return torch::sqrt(((a - b) * (a - b)).sum(2) + 1e-12);
}

// Per-feature scale: ones, or the data's standard deviation of every feature (floored at 1e-3 of
// the largest, so a feature the data never varies cannot blow up).
torch::Tensor feature_scale_of(const torch::Tensor& data_features, bool standardise) {
  if (!standardise) return torch::ones({data_features.size(1)}, data_features.options());
  const auto sd = data_features.std(0);
  return torch::clamp_min(sd, 1e-3 * std::max(sd.max().item<double>(), 1e-12));
}

// The trainer's random numbers come from the counter source (counter_rng.hpp) keyed by seed,
// stream and step: a step's draws depend on nothing but (seed, step, row), so a resumed run needs
// only the step and each rank of a data-parallel run draws just its own rows.
constexpr uint64_t kNoiseStream = 0x747261696e000001ULL;      // generator noise, item = batch row
constexpr uint64_t kPositivesStream = 0x747261696e000002ULL;  // positive indices, item = slot
constexpr uint64_t kInitialisationEvent = ~0ULL;              // the output initialisation's noise

torch::Tensor normal_noise(uint64_t seed, uint64_t event, int64_t first_row, int64_t rows, int64_t cols) {
  auto t = torch::empty({rows, cols});
  fill_normal_rows({seed, kNoiseStream, event}, static_cast<uint64_t>(first_row), rows, cols, t.data_ptr<float>());
  return t;
}

torch::Tensor sample_indices(uint64_t seed, uint64_t event, int64_t m, int count) {
  auto t = torch::empty({count}, torch::kInt64);
  auto* p = t.data_ptr<int64_t>();
  const CounterKey key{seed, kPositivesStream, event};
  for (int k = 0; k < count; ++k) p[k] = counter_index(key, static_cast<uint64_t>(k), m);
  return t;
}

void save_checkpoint(const std::string& path, Generator& gen, torch::optim::Adam& opt, long step,
                     const std::vector<torch::Tensor>& ema) {
  torch::serialize::OutputArchive ar;
  auto params = gen.parameters();
  for (size_t k = 0; k < params.size(); ++k) ar.write("param" + std::to_string(k), params[k].detach());
  for (size_t k = 0; k < ema.size(); ++k) ar.write("ema" + std::to_string(k), ema[k]);
  ar.write("out_mean", gen.module().attr("out_mean").toTensor());
  ar.write("out_scale", gen.module().attr("out_scale").toTensor());
  ar.write("step", torch::tensor(static_cast<int64_t>(step)));
  torch::serialize::OutputArchive opt_ar;
  opt.save(opt_ar);
  ar.write("optimizer", opt_ar);
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  ar.save_to(tmp);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error(path + ": cannot write the checkpoint");
  }
}

long load_checkpoint(const std::string& path, Generator& gen, torch::optim::Adam& opt, std::vector<torch::Tensor>& ema) {
  torch::serialize::InputArchive ar;
  try {
    ar.load_from(path);
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": not a readable drift-train checkpoint (" + std::string(e.what()).substr(0, 200) + ")");
  }
  torch::NoGradGuard no_grad;
  auto params = gen.parameters();
  for (size_t k = 0; k < params.size(); ++k) {
    torch::Tensor t;
    ar.read("param" + std::to_string(k), t);
    if (!t.sizes().equals(params[k].sizes()))
      throw std::runtime_error(path + ": checkpoint does not match the generator shape of this configuration");
    params[k].copy_(t);
  }
  for (size_t k = 0; k < ema.size(); ++k) {
    try {
      ar.read("ema" + std::to_string(k), ema[k]);
    } catch (const std::exception&) {
      throw std::runtime_error(path + ": the checkpoint has no weight average (written with training.ema: 0, or by a drift-train "
                                      "older than training.ema); resume with the "
                                      "same training.ema it was written with");
    }
  }
  torch::Tensor mean, scale, step, rs;
  ar.read("out_mean", mean);
  ar.read("out_scale", scale);
  gen.module().attr("out_mean").toTensor().copy_(mean);
  gen.module().attr("out_scale").toTensor().copy_(scale);
  ar.read("step", step);
  if (ar.try_read("rng", rs))
    throw std::runtime_error(path + ": written by an older drift-train, whose random stream this version does not continue; "
                                    "train again without --resume");
  torch::serialize::InputArchive opt_ar;
  ar.read("optimizer", opt_ar);
  opt.load(opt_ar);
  return step.item<int64_t>();
}

// Sums every parameter's gradient over the ranks, in one message.
void sum_gradients(const std::vector<torch::Tensor>& params, const BatchComm& comm) {
  std::vector<torch::Tensor> grads;
  for (const auto& p : params) grads.push_back(p.grad().defined() ? p.grad().reshape({-1}) : torch::zeros({p.numel()}, p.options()));
  auto flat = torch::cat(grads).to(torch::kFloat).contiguous();
  comm.sum(flat.data_ptr<float>(), flat.numel());
  int64_t at = 0;
  for (const auto& p : params) {
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    p.mutable_grad().copy_(flat.slice(0, at, at + p.numel()).view_as(p));
    at += p.numel();
  }
}

// This rank's generated features and the whole batch's, rows in rank order.
torch::Tensor gather_batch(const torch::Tensor& mine, long batch, const BatchComm& comm) {
  const auto local = mine.detach().to(torch::kFloat).contiguous();
  const int64_t width = local.size(1);
  std::vector<long> counts(comm.size());
  for (int r = 0; r < comm.size(); ++r) {
    const auto [lo, hi] = batch_rows(batch, r, comm.size());
    counts[r] = (hi - lo) * width;
  }
  auto all = torch::empty({batch, width}, torch::kFloat);
  comm.gather_all(local.data_ptr<float>(), all.data_ptr<float>(), counts);
  return all;
}

}  // namespace

TrainReport train(Generator& gen, const TrainingProblem& problem, const TrainSettings& s, const BatchComm* comm) {
  const int64_t m = problem.positives.size(0);
  if (m < 1) throw std::runtime_error("train: no training samples");
  if (comm && s.batch < comm->size())
    throw std::runtime_error("train: training.batch " + std::to_string(s.batch) + " is smaller than the " +
                             std::to_string(comm->size()) + " MPI ranks; every rank needs at least one row of the batch");
  const auto [first_row, end_row] = comm ? batch_rows(s.batch, comm->rank(), comm->size()) : std::pair<long, long>(0, s.batch);
  const bool writer = !comm || comm->rank() == 0;
  const long chunks = s.field_chunk > 0 ? s.batch / s.field_chunk : 1;
  if (s.field_chunk > 0 && (s.field_chunk < 2 || s.batch % s.field_chunk != 0 || s.positives < chunks))
    throw std::runtime_error("train: field_chunk " + std::to_string(s.field_chunk) + " must be >= 2, divide the batch " +
                             std::to_string(s.batch) + " and leave at least one positive per chunk");
  if (comm && chunks > 1 && chunks % comm->size() != 0)
    throw std::runtime_error("train: training.batch / training.field_chunk = " + std::to_string(chunks) +
                             " chunks do not split over " + std::to_string(comm->size()) +
                             " MPI ranks: make the number of chunks a multiple of the ranks");
  // Features of data and targets once; per step only indices are drawn.
  std::vector<torch::Tensor> pos_feat, tgt_feat, scales;
  std::vector<FieldSettings> fields;
  for (const auto& g : problem.groups) {
    const auto data_features = raw_features(problem.positives, g);
    scales.push_back(feature_scale_of(data_features, g.standardise));
    pos_feat.push_back(data_features / scales.back());
    tgt_feat.push_back(problem.targets.defined() ? raw_features(problem.targets, g) / scales.back() : torch::Tensor());
    fields.push_back(problem.field);
    if (!g.temperatures.empty()) fields.back().temperatures = g.temperatures;
  }
  // TorchScript's profiling executor re-optimises the generator's graph after its first calls,
  // and the optimised graph rounds differently: a resumed process (whose first calls come at the
  // checkpoint's step) would drift from an uninterrupted one by ~1e-7 from its third step on.
  // The plain executor computes every step the same way in any process; measured: no slower here.
  torch::jit::setGraphExecutorOptimize(false);
  // Training needs autograd whatever the caller's mode (under a NoGradGuard, backward would fail
  // with "does not require grad", naming nothing of ours).
  torch::AutoGradMode grad_on(true);
  auto params = gen.parameters();
  for (auto& p : params) p.set_requires_grad(true);
  torch::optim::Adam opt(params, torch::optim::AdamOptions(s.lr).betas({0.9, 0.95}));
  long start = 0;
  std::vector<torch::Tensor> ema;
  if (s.ema > 0)
    for (const auto& p : params) ema.push_back(p.detach().clone());
  if (s.resume) {
    start = load_checkpoint(s.checkpoint, gen, opt, ema);
    if (writer && !s.quiet) std::cerr << "drift-train: resumed from " << s.checkpoint << " at step " << start << "\n";
    if (s.stop_at > 0 && s.stop_at <= start)
      throw std::runtime_error(s.checkpoint + " is at step " + std::to_string(start) + ", past the step to stop at (" +
                               std::to_string(s.stop_at) + "): give a later step, or none");
  } else {
    // Data-dependent output initialisation on a noise batch from the same stream.
    auto z = normal_noise(s.seed, kInitialisationEvent, 0, std::max<int64_t>(s.batch, 512), gen.shape().noise_dim);
    gen.initialise_output(problem.positives.reshape({m, -1}), z);
    for (size_t k = 0; k < ema.size(); ++k) ema[k].copy_(params[k].detach());
  }
  TrainReport report;
  const auto t0 = std::chrono::steady_clock::now();
  double loss_avg = 0, drift_avg = 0, grad_avg = 0;
  long clipped = 0;
  long avg_n = 0;
  for (long step = start; step < s.steps; ++step) {
    const double lr = s.lr * std::min(1.0, static_cast<double>(step + 1) / std::max<long>(1, s.warmup));
    for (auto& group : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    const auto z = normal_noise(s.seed, static_cast<uint64_t>(step), first_row, end_row - first_row, gen.shape().noise_dim);
    const auto idx = sample_indices(s.seed, static_cast<uint64_t>(step), m, s.positives);
    const auto x = gen.forward(z);
    torch::Tensor loss = torch::zeros({});
    // Over the whole batch: [0] the loss, [1] the sum of each group's mean squared drift.
    double totals[2] = {0, 0};
    for (size_t g = 0; g < problem.groups.size(); ++g) {
      const auto& group = problem.groups[g];
      if (group.weight == 0) continue;
      const auto fx = raw_features(x, group) / scales[g];
      // This rank's share of the batch mean, so the ranks' losses (and gradients) add up to it.
      const double per_value = 1.0 / (static_cast<double>(s.batch) * fx.size(1));
      auto attract = [&](const torch::Tensor& mine, FieldInput& in, const torch::Tensor& pos_idx, const BatchComm* reduce) {
        in.generated = mine.detach();
        in.positives = pos_feat[g].index_select(0, pos_idx);
        if (tgt_feat[g].defined()) in.targets = tgt_feat[g].index_select(0, pos_idx);
        if (problem.log_weights.defined()) in.log_weights = problem.log_weights.index_select(0, pos_idx);
        const auto field = drifting_field(in, fields[g], reduce);
        const auto goal = (mine.detach() / field.feature_scale + field.drift).detach();
        const auto residual_sq = (mine / field.feature_scale - goal).pow(2);
        const bool whole_batch = !comm && chunks == 1;
        loss = loss + group.weight * (whole_batch ? residual_sq.mean() : residual_sq.sum() * per_value);
        totals[1] += whole_batch ? (field.drift * field.drift).mean().item<double>()
                                 : (field.drift * field.drift).sum().item<double>() * per_value;
      };
      if (chunks > 1) {
        // Chunk j: generated rows [j C, (j + 1) C) and its share of the positives; a rank's rows
        // are whole chunks, so no field needs another rank.
        for (long row = first_row; row < end_row; row += s.field_chunk) {
          const long j = row / s.field_chunk;
          const auto [p0, p1] = batch_rows(s.positives, static_cast<int>(j), static_cast<int>(chunks));
          FieldInput in;
          attract(fx.slice(0, row - first_row, row - first_row + s.field_chunk), in, idx.slice(0, p0, p1), nullptr);
        }
      } else {
        FieldInput in;
        if (comm) {
          in.all_generated = gather_batch(fx, s.batch, *comm);
          in.first_row = first_row;
        }
        attract(fx, in, idx, comm);
      }
    }
    opt.zero_grad();
    loss.backward();
    totals[0] = loss.item<double>();
    if (comm) {
      sum_gradients(params, *comm);
      comm->sum(totals, 2);
    }
    // The norm before clipping: the progress line shows it and how often the clip acted.
    const double grad_norm = torch::nn::utils::clip_grad_norm_(params, s.grad_clip > 0 ? s.grad_clip : INFINITY);
    grad_avg += grad_norm;
    clipped += s.grad_clip > 0 && grad_norm > s.grad_clip;
    opt.step();
    if (!ema.empty()) {
      torch::NoGradGuard no_grad;
      const double decay = std::min(s.ema, (1.0 + step) / (10.0 + step));
      for (size_t k = 0; k < ema.size(); ++k) ema[k].mul_(decay).add_(params[k].detach(), 1.0 - decay);
    }
    const double lv = totals[0];
    if (!std::isfinite(lv)) throw std::runtime_error("training diverged at step " + std::to_string(step + 1) + " (loss is not finite)");
    loss_avg += lv;
    drift_avg += std::sqrt(totals[1]);
    ++avg_n;
    report.last_loss = lv;
    const long done = step + 1;
    if (writer && !s.quiet && (done % s.log_every == 0 || done == s.steps)) {
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double rate = (done - start) / std::max(secs, 1e-9);
      const int width = 30, filled = static_cast<int>(width * done / s.steps);
      std::fprintf(stderr, "[%s%s] %ld/%ld loss %.4f |V| %.3f |grad| %.2f (clipped %.0f%%) %.1f steps/s ETA %.0f s\n",
                   std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), done, s.steps,
                   loss_avg / avg_n, drift_avg / avg_n, grad_avg / avg_n, 100.0 * clipped / avg_n, rate, (s.steps - done) / rate);
      loss_avg = drift_avg = grad_avg = 0;
      avg_n = clipped = 0;
    }
    const bool stop_here = s.stop_at > 0 && done == s.stop_at && done < s.steps;
    if (stop_here && s.checkpoint.empty()) throw std::runtime_error("train: stop_at needs a checkpoint path");
    if (writer && done < s.steps &&
        (stop_here || (s.checkpoint_every > 0 && !s.checkpoint.empty() && done % s.checkpoint_every == 0)))
      save_checkpoint(s.checkpoint, gen, opt, done, ema);
    if (stop_here) {
      if (comm) comm->barrier();  // the checkpoint is in place before any rank returns
      report.steps_done = done;
      report.steps_per_second = (done - start) / std::max(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 1e-9);
      return report;  // the live weights, not the average: the run continues from the checkpoint
    }
  }
  report.steps_done = s.steps;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  report.steps_per_second = (s.steps - start) / std::max(secs, 1e-9);
  for (auto& p : params) p.set_requires_grad(false);
  {
    torch::NoGradGuard no_grad;
    for (size_t k = 0; k < ema.size(); ++k) params[k].copy_(ema[k]);  // the model is the average
  }
  return report;
}

}  // namespace drift
