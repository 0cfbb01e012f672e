#include "drift/torus_transport.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace drift {

namespace {

struct Support {
  std::vector<double> phi, psi, mass;
};

Support occupied(const Histogram& h, int bins) {
  if (h.bins() != bins * bins) throw std::invalid_argument("torus_wasserstein2: the histogram is not bins x bins");
  const auto p = h.probabilities();  // under, bins..., over
  double total = 0;
  for (int k = 0; k < bins * bins; ++k) total += p[k + 1];
  Support s;
  if (!(total > 0)) return s;
  const double width = 2 * M_PI / bins;
  for (int k = 0; k < bins * bins; ++k)
    if (p[k + 1] > 0) {
      s.phi.push_back(-M_PI + (k / bins + 0.5) * width);
      s.psi.push_back(-M_PI + (k % bins + 0.5) * width);
      s.mass.push_back(p[k + 1] / total);
    }
  return s;
}

double periodic(double d) {
  d = std::fabs(d);
  return std::min(d, 2 * M_PI - d);
}

double log_sum_exp(const std::vector<double>& v) {
  double top = -std::numeric_limits<double>::infinity();
  for (double x : v) top = std::max(top, x);
  if (!std::isfinite(top)) return top;
  double s = 0;
  for (double x : v) s += std::exp(x - top);
  return top + std::log(s);
}

}  // namespace

double torus_wasserstein2(const Histogram& ha, const Histogram& hb, int bins, double epsilon) {
  if (!(epsilon > 0)) throw std::invalid_argument("torus_wasserstein2: epsilon must be positive");
  const Support a = occupied(ha, bins), b = occupied(hb, bins);
  if (a.mass.empty() || b.mass.empty()) return std::numeric_limits<double>::quiet_NaN();
  const size_t n = a.mass.size(), m = b.mass.size();
  std::vector<double> cost(n * m);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < m; ++j) {
      const double dp = periodic(a.phi[i] - b.phi[j]), ds = periodic(a.psi[i] - b.psi[j]);
      cost[i * m + j] = dp * dp + ds * ds;
    }
  std::vector<double> log_a(n), log_b(m), f(n, 0.0), g(m, 0.0), row(m), col(n);
  for (size_t i = 0; i < n; ++i) log_a[i] = std::log(a.mass[i]);
  for (size_t j = 0; j < m; ++j) log_b[j] = std::log(b.mass[j]);
  // Potentials f, g with plan P_ij = exp((f_i + g_j - C_ij) / eps); epsilon annealed geometrically.
  for (double eps = 1.0;; eps = std::max(epsilon, eps * 0.5)) {
    for (int it = 0; it < (eps > epsilon ? 20 : 400); ++it) {
      for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < m; ++j) row[j] = (g[j] - cost[i * m + j]) / eps + log_b[j];
        f[i] = -eps * log_sum_exp(row);
      }
      double change = 0;
      for (size_t j = 0; j < m; ++j) {
        for (size_t i = 0; i < n; ++i) col[i] = (f[i] - cost[i * m + j]) / eps + log_a[i];
        const double next = -eps * log_sum_exp(col);
        change = std::max(change, std::fabs(next - g[j]));
        g[j] = next;
      }
      if (eps <= epsilon && change < 1e-7 * epsilon) break;
    }
    if (eps <= epsilon) break;
  }
  double transport = 0;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < m; ++j)
      transport += std::exp((f[i] + g[j] - cost[i * m + j]) / epsilon + log_a[i] + log_b[j]) * cost[i * m + j];
  return std::sqrt(std::max(transport, 0.0));
}

}  // namespace drift
