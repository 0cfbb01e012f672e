#include "drift/stein_weights.hpp"

#include "drift/threads.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

namespace drift {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

SteinKernelMatrix::SteinKernelMatrix(const std::vector<double>& points, const std::vector<double>& scores, size_t n,
                                     size_t d, double bandwidth, int threads)
    : n_(n) {
  if (n == 0) throw std::invalid_argument("Stein weights need at least one sample");
  if (points.size() != n * d || scores.size() != n * d)
    throw std::invalid_argument("Stein kernel: points and scores must both be n x d");
  if (!(bandwidth > 0) || !std::isfinite(bandwidth)) throw std::invalid_argument("Stein kernel: the bandwidth must be positive");
  for (size_t k = 0; k < n * d; ++k)
    if (!std::isfinite(points[k]) || !std::isfinite(scores[k]))
      throw std::invalid_argument("Stein kernel: sample " + std::to_string(k / d) + " has a non-finite coordinate or force");
  if (bytes_for(n) > kMaxBytes)
    throw std::invalid_argument("Stein weights of " + std::to_string(n) + " samples need " +
                                std::to_string(bytes_for(n) / 1e9) + " GB for the kernel matrix (limit " +
                                std::to_string(kMaxBytes / 1e9) + " GB): use fewer samples");
  k_.assign(n * n, 0.0f);
  const double h2 = bandwidth * bandwidth;
  const int nt = std::max(1, std::min<int>(thread_count(threads), static_cast<int>(n)));
  // Rows dealt out cyclically: the triangle's rows shrink, so neighbours share the work evenly.
  run_on_threads(nt, [&](int t) {
    for (size_t i = static_cast<size_t>(t); i < n; i += static_cast<size_t>(nt)) {
      const double *a = &points[i * d], *sa = &scores[i * d];
      for (size_t j = i; j < n; ++j) {
        const float v = static_cast<float>(stein_kernel(a, sa, &points[j * d], &scores[j * d], d, h2));
        k_[i * n + j] = v;
        k_[j * n + i] = v;
      }
    }
  });
}

SteinWeights solve_stein_weights(const SteinKernelMatrix& k, const SteinWeightSettings& settings) {
  const auto t0 = std::chrono::steady_clock::now();
  const size_t n = k.size();
  if (!(settings.tolerance > 0)) throw std::invalid_argument("Stein weights: the tolerance must be positive");
  SteinWeights out;
  std::vector<double> w(n, 1.0 / static_cast<double>(n)), g(n, 0.0);  // g = K w; the gradient is 2 g
  {
    const int nt = std::max(1, std::min<int>(thread_count(settings.threads), static_cast<int>(n)));
    run_on_threads(nt, [&](int t) {
      for (size_t i = static_cast<size_t>(t); i < n; i += static_cast<size_t>(nt)) {
        const float* r = k.row(i);
        double s = 0;
        for (size_t j = 0; j < n; ++j) s += r[j];
        g[i] = s / static_cast<double>(n);
      }
    });
  }
  std::vector<double> diag(n), score(n);
  double diag_max = 0;
  for (size_t i = 0; i < n; ++i) {
    diag[i] = k(i, i);
    diag_max = std::max(diag_max, diag[i]);
  }
  auto objective = [&] {
    double f = 0;
    for (size_t i = 0; i < n; ++i) f += w[i] * g[i];
    return f;
  };
  double f = objective();
  out.ksd2_uniform_v = f;
  const double curvature_floor = 1e-12 * std::max(diag_max, 1e-300);
  const long max_steps = settings.max_steps > 0 ? settings.max_steps : 200 * static_cast<long>(n) + 1000;
  long step = 0;
  // Branch-free passes over n (vectorised) with a scalar arg-max after each: the step is memory-bound.
  auto arg_max = [&](const std::vector<double>& v) {
    size_t best = 0;
    for (size_t t = 1; t < n; ++t)
      if (v[t] > v[best]) best = t;
    return best;
  };
  double* __restrict wp = w.data();
  double* __restrict gp = g.data();
  double* __restrict sp = score.data();
  const double* __restrict dp = diag.data();
  // The pass that updates g also finds the next step's most violating index (the largest gradient
  // among supported samples) and the smallest gradient.
  double g_min = INFINITY;
  for (size_t t = 0; t < n; ++t) {
    sp[t] = wp[t] > 0 ? gp[t] : -INFINITY;
    g_min = gp[t] < g_min ? gp[t] : g_min;
  }
  for (;; ++step) {
    const size_t i = arg_max(score);
    out.gap = 2 * (f - g_min);
    if (out.gap <= settings.tolerance * std::fabs(f) || n == 1) {
      out.converged = true;
      break;
    }
    if (step >= max_steps) break;
    // Partner by the second-order rule: the largest decrease of a step along e_j - e_i.
    const float* __restrict ri = k.row(i);
    const double gi = gp[i], kii = dp[i];
    for (size_t t = 0; t < n; ++t) {
      double b = gi - gp[t];
      b = b > 0 ? b : 0;
      double a = kii + dp[t] - 2.0 * static_cast<double>(ri[t]);
      a = a > curvature_floor ? a : curvature_floor;
      sp[t] = b * b / a;
    }
    const size_t j = arg_max(score);
    if (!(sp[j] > 0)) {  // no descent pair left within the kernel's float precision
      out.converged = out.gap <= 1e3 * settings.tolerance * std::fabs(f);
      break;
    }
    const float* __restrict rj = k.row(j);
    const double a = std::max(kii + dp[j] - 2.0 * static_cast<double>(ri[j]), curvature_floor);
    const double b = gi - gp[j];
    const double move = std::min(b / a, wp[i]);
    wp[i] -= move;
    wp[j] += move;
    if (wp[i] < 1e-300) wp[i] = 0;
    f += -2 * move * b + move * move * a;
    g_min = INFINITY;
    for (size_t t = 0; t < n; ++t) {
      const double gt = gp[t] + move * (static_cast<double>(rj[t]) - static_cast<double>(ri[t]));
      gp[t] = gt;
      sp[t] = wp[t] > 0 ? gt : -INFINITY;
      g_min = gt < g_min ? gt : g_min;
    }
    if (step % 1024 == 1023) f = objective();  // no drift from the incremental updates
  }
  // Renormalise (the steps conserve the sum up to rounding) and report the final objective.
  double sum = 0;
  for (double v : w) sum += v;
  for (double& v : w) v /= sum;
  out.steps = step;
  out.ksd2_weighted_v = objective() / (sum * sum);
  double w2 = 0, self = 0;
  for (size_t i = 0; i < n; ++i) {
    w2 += w[i] * w[i];
    self += w[i] * w[i] * diag[i];
  }
  out.effective_sample_size = 1.0 / w2;
  out.ksd2_weighted_u = w2 < 1 ? (out.ksd2_weighted_v - self) / (1 - w2) : NAN;

  out.weights = std::move(w);
  out.solve_seconds = seconds_since(t0);
  return out;
}

double median_pairwise_distance(const std::vector<double>& points, size_t n, size_t d, size_t max_points) {
  if (n < 2) throw std::invalid_argument("the median distance needs at least 2 samples");
  const size_t m = std::min(n, std::max<size_t>(max_points, 2));
  std::vector<size_t> rows(m);
  for (size_t k = 0; k < m; ++k) rows[k] = k * n / m;
  std::vector<double> r;
  r.reserve(m * (m - 1) / 2);
  for (size_t a = 0; a < m; ++a)
    for (size_t b = a + 1; b < m; ++b) {
      double s = 0;
      for (size_t c = 0; c < d; ++c) {
        const double u = points[rows[a] * d + c] - points[rows[b] * d + c];
        s += u * u;
      }
      r.push_back(s);
    }
  std::nth_element(r.begin(), r.begin() + r.size() / 2, r.end());
  return std::sqrt(r[r.size() / 2]);
}

namespace {
double resolve_bandwidth(double requested, const std::vector<double>& points, size_t n, size_t d) {
  if (requested > 0) return requested;
  const double factor = requested < 0 ? -requested : 1.0;
  const double h = factor * median_pairwise_distance(points, n, d);
  if (!(h > 0)) throw std::invalid_argument("Stein weights: the samples coincide (median distance 0): give a bandwidth");
  return h;
}
}  // namespace

SteinWeights stein_importance_weights(const std::vector<double>& points, const std::vector<double>& scores, size_t n,
                                      size_t d, const SteinWeightSettings& settings) {
  const auto t0 = std::chrono::steady_clock::now();
  const double h = resolve_bandwidth(settings.bandwidth, points, n, d);
  const SteinKernelMatrix k(points, scores, n, d, h, settings.threads);
  const double kernel_seconds = seconds_since(t0);
  SteinWeights out = solve_stein_weights(k, settings);
  out.kernel_seconds = kernel_seconds;
  out.bandwidth = h;
  return out;
}

SteinDiscrepancy weighted_kernel_stein_discrepancy(const std::vector<Conformation>& confs, const std::vector<double>& weights,
                                                   double beta, const SteinMetric& metric, double bandwidth, int threads) {
  const size_t n = confs.size();
  if (n < 2) throw std::invalid_argument("the weighted kernel Stein discrepancy needs at least 2 conformations");
  if (weights.size() != n) throw std::invalid_argument("the weighted kernel Stein discrepancy needs one weight per conformation");
  double total = 0;
  for (double w : weights) {
    if (!(w >= 0) || !std::isfinite(w)) throw std::invalid_argument("weights must be finite and >= 0");
    total += w;
  }
  if (!(total > 0)) throw std::invalid_argument("the weights sum to 0");
  std::vector<double> w(weights);
  for (double& v : w) v /= total;
  const WhitenedSamples z = whitened_samples(confs, beta, metric);
  const double h = resolve_bandwidth(bandwidth, z.z, z.count, z.dim);
  const int nt = std::max(1, std::min<int>(thread_count(threads), static_cast<int>(n)));
  std::vector<double> partial(nt, 0.0);
  run_on_threads(nt, [&](int t) {
    double s = 0;
    for (size_t i = static_cast<size_t>(t); i < n; i += static_cast<size_t>(nt))
      for (size_t j = i + 1; j < n; ++j)
        s += w[i] * w[j] * stein_kernel(z.z_row(i), z.score_row(i), z.z_row(j), z.score_row(j), z.dim, h * h);
    partial[t] = s;
  });
  double off = 0, w2 = 0;
  for (double p : partial) off += 2 * p;
  for (double v : w) w2 += v * v;
  SteinDiscrepancy out;
  out.count = n;
  out.bandwidth = h;
  out.ksd2 = w2 < 1 ? off / (1 - w2) : NAN;
  out.standard_error = NAN;  // no closed form for weights chosen on the same samples
  weighted_temperature_ratio(confs, w, beta, out.temperature_ratio, out.temperature_ratio_error);
  return out;
}

SteinWeights stein_importance_weights(const std::vector<Conformation>& confs, double beta, const SteinMetric& metric,
                                      const SteinWeightSettings& settings) {
  if (confs.size() < 2) throw std::invalid_argument("Stein weights need at least 2 conformations");
  const WhitenedSamples z = whitened_samples(confs, beta, metric);
  SteinWeights out = stein_importance_weights(z.z, z.score, z.count, z.dim, settings);
  weighted_temperature_ratio(confs, out.weights, beta, out.temperature_ratio, out.temperature_ratio_error);
  return out;
}

std::vector<size_t> stein_thinning(const SteinKernelMatrix& k, size_t m) {
  const size_t n = k.size();
  std::vector<double> score(n);
  for (size_t j = 0; j < n; ++j) score[j] = 0.5 * k(j, j);
  std::vector<size_t> picks;
  picks.reserve(m);
  for (size_t t = 0; t < m; ++t) {
    const size_t best = static_cast<size_t>(std::min_element(score.begin(), score.end()) - score.begin());
    picks.push_back(best);
    const float* r = k.row(best);
    for (size_t j = 0; j < n; ++j) score[j] += r[j];
  }
  return picks;
}

std::vector<size_t> systematic_resample(const std::vector<double>& weights, size_t n_out, double u) {
  if (weights.empty()) throw std::invalid_argument("systematic resampling needs at least one weight");
  if (!(u >= 0 && u < 1)) throw std::invalid_argument("systematic resampling needs u in [0, 1)");
  double total = 0;
  for (double w : weights) {
    if (!(w >= 0) || !std::isfinite(w)) throw std::invalid_argument("systematic resampling: weights must be finite and >= 0");
    total += w;
  }
  if (!(total > 0)) throw std::invalid_argument("systematic resampling: the weights sum to 0");
  std::vector<size_t> out;
  out.reserve(n_out);
  double cumulative = 0;
  size_t i = 0;
  for (size_t k = 0; k < n_out; ++k) {
    const double position = (static_cast<double>(k) + u) / static_cast<double>(n_out) * total;
    while (i + 1 < weights.size() && cumulative + weights[i] <= position) cumulative += weights[i++];
    out.push_back(i);
  }
  return out;
}

double effective_sample_size(const std::vector<double>& weights) {
  double s = 0, s2 = 0;
  for (double w : weights) {
    s += w;
    s2 += w * w;
  }
  return s2 > 0 ? s * s / s2 : 0.0;
}

}  // namespace drift
