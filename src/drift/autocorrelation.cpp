#include "drift/autocorrelation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace drift {

AutocorrelationTime integrated_autocorrelation_time(const std::vector<std::vector<double>>& series, double window_c,
                                                    int groups) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  AutocorrelationTime out;
  out.series = series.size();
  out.length = series.empty() ? 0 : series[0].size();
  if (series.empty() || out.length < 4) {
    out.tau = out.standard_error = nan;
    return out;
  }
  const size_t m_count = series.size(), length = out.length;
  for (const auto& s : series)
    if (s.size() != length) throw std::invalid_argument("integrated_autocorrelation_time: series of different lengths");
  double mean = 0;
  for (const auto& s : series)
    for (double v : s) mean += v;
  mean /= static_cast<double>(m_count * length);
  const int g_count = static_cast<int>(std::min<size_t>(m_count, groups > 0 ? static_cast<size_t>(groups) : 32));
  out.groups = g_count;
  auto group_of = [&](size_t m) { return static_cast<int>(m * g_count / m_count); };
  // Per group g and lag k: sum of products and number of pairs; lags are added as the window grows.
  std::vector<std::vector<double>> sum(g_count), pairs(g_count);
  auto add_lag = [&](size_t k) {
    for (int g = 0; g < g_count; ++g) sum[g].push_back(0.0), pairs[g].push_back(0.0);
    for (size_t m = 0; m < m_count; ++m) {
      const auto& s = series[m];
      double acc = 0;
      for (size_t t = 0; t + k < length; ++t) acc += (s[t + k] - mean) * (s[t] - mean);
      sum[group_of(m)][k] += acc;
      pairs[group_of(m)][k] += static_cast<double>(length - k);
    }
  };
  // tau over every group except `skip` (-1: all), summed up to lag w.
  auto tau_upto = [&](long w, int skip) {
    auto cov = [&](size_t k) {
      double s = 0, n = 0;
      for (int g = 0; g < g_count; ++g)
        if (g != skip) s += sum[g][k], n += pairs[g][k];
      return n > 0 ? s / n : 0.0;
    };
    const double c0 = cov(0);
    if (!(c0 > 0)) return 1.0;
    double tau = 1.0;
    for (long k = 1; k <= w; ++k) tau += 2.0 * cov(static_cast<size_t>(k)) / c0;
    return tau;
  };
  add_lag(0);
  {
    double c0 = 0, n0 = 0;
    for (int g = 0; g < g_count; ++g) c0 += sum[g][0], n0 += pairs[g][0];
    if (!(c0 / n0 > 1e-300)) {  // constant
      out.tau = 1.0;
      out.standard_error = 0.0;
      return out;
    }
  }
  double tau = 1.0;
  long w = 0;
  for (size_t k = 1;; ++k) {
    if (k >= length / 2) {
      out.tau = out.standard_error = nan;
      out.lower_bound = static_cast<double>(k - 1) / window_c;
      return out;
    }
    add_lag(k);
    tau = tau_upto(static_cast<long>(k), -1);
    if (static_cast<double>(k) >= window_c * tau) {
      w = static_cast<long>(k);
      break;
    }
  }
  out.tau = tau;
  out.window = w;
  if (g_count < 2) {
    out.standard_error = nan;
    return out;
  }
  std::vector<double> jack(g_count);
  double jm = 0;
  for (int g = 0; g < g_count; ++g) jm += jack[g] = tau_upto(w, g);
  jm /= g_count;
  double var = 0;
  for (double v : jack) var += (v - jm) * (v - jm);
  out.standard_error = std::sqrt(var * (g_count - 1) / g_count);
  return out;
}

}  // namespace drift
