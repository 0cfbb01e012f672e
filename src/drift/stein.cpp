#include "drift/stein.hpp"

#include "drift/hessian.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "drift/rotation.hpp"

namespace drift {

namespace {

// Centres every conformation, rotates it (and its forces) onto the centred reference structure:
// x, s as [M][3N] relative to that structure.
void aligned_coordinates(const std::vector<Conformation>& confs, double beta, std::vector<double> ref,
                         std::vector<std::vector<double>>& x, std::vector<std::vector<double>>& s) {
  const size_t m = confs.size();
  const size_t n = confs[0].x.size() / 3;
  if (ref.size() != 3 * n) throw std::runtime_error("kernel Stein discrepancy: the reference structure has another atom count");
  {
    double c[3] = {0, 0, 0};
    for (size_t i = 0; i < n; ++i)
      for (int d = 0; d < 3; ++d) c[d] += ref[3 * i + d] / n;
    for (size_t i = 0; i < n; ++i)
      for (int d = 0; d < 3; ++d) ref[3 * i + d] -= c[d];
  }
  x.assign(m, std::vector<double>(3 * n));
  s.assign(m, std::vector<double>(3 * n));
  for (size_t k = 0; k < m; ++k) {
    double c[3] = {0, 0, 0};
    for (size_t i = 0; i < n; ++i)
      for (int d = 0; d < 3; ++d) c[d] += confs[k].x[3 * i + d] / n;
    for (size_t i = 0; i < n; ++i)
      for (int d = 0; d < 3; ++d) x[k][3 * i + d] = confs[k].x[3 * i + d] - c[d];
  }
  for (size_t k = 0; k < m; ++k) {
    double cov[3][3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}}, r[3][3];
    for (size_t i = 0; i < n; ++i)
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) cov[a][b] += x[k][3 * i + a] * ref[3 * i + b];
    best_rotation(cov, r);
    std::vector<double> xr(3 * n);
    for (size_t i = 0; i < n; ++i)
      for (int a = 0; a < 3; ++a) {
        double px = 0, pf = 0;
        for (int b = 0; b < 3; ++b) {
          px += r[a][b] * x[k][3 * i + b];
          pf += r[a][b] * confs[k].f[3 * i + b];
        }
        xr[3 * i + a] = px - ref[3 * i + a];
        s[k][3 * i + a] = beta * pf;
      }
    x[k] = xr;
  }
}

// Eigen-decomposition of a symmetric matrix (cyclic Jacobi): a is destroyed, values on return in
// `values`, eigenvectors in the columns of v.
void symmetric_eigen(std::vector<std::vector<double>>& a, std::vector<double>& values, std::vector<std::vector<double>>& v) {
  const size_t n = a.size();
  v.assign(n, std::vector<double>(n, 0.0));
  for (size_t i = 0; i < n; ++i) v[i][i] = 1;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0, diag = 0;
    for (size_t p = 0; p < n; ++p) {
      diag += a[p][p] * a[p][p];
      for (size_t q = p + 1; q < n; ++q) off += a[p][q] * a[p][q];
    }
    if (off <= 1e-24 * diag) break;
    for (size_t p = 0; p < n; ++p)
      for (size_t q = p + 1; q < n; ++q) {
        if (std::fabs(a[p][q]) < 1e-300) continue;
        const double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), sn = t * c;
        for (size_t k = 0; k < n; ++k) {
          const double akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - sn * akq;
          a[k][q] = sn * akp + c * akq;
        }
        for (size_t k = 0; k < n; ++k) {
          const double apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - sn * aqk;
          a[q][k] = sn * apk + c * aqk;
        }
        for (size_t k = 0; k < n; ++k) {
          const double vkp = v[k][p], vkq = v[k][q];
          v[k][p] = c * vkp - sn * vkq;
          v[k][q] = sn * vkp + c * vkq;
        }
      }
  }
  values.resize(n);
  for (size_t i = 0; i < n; ++i) values[i] = a[i][i];
}

// Whitening by the metric beta H = V diag(l) V^T on its top `keep` eigen-directions:
// z = diag(l)^1/2 V^T x, s_z = diag(l)^-1/2 V^T s.
void whiten(std::vector<std::vector<double>>& x, std::vector<std::vector<double>>& s, const std::vector<double>& metric,
            size_t keep) {
  const size_t m = x.size(), d = x[0].size();
  std::vector<std::vector<double>> g(d, std::vector<double>(d, 0.0)), v;
  for (size_t a = 0; a < d; ++a)
    for (size_t b = 0; b < d; ++b) g[a][b] = 0.5 * (metric[a * d + b] + metric[b * d + a]);
  std::vector<double> values;
  symmetric_eigen(g, values, v);
  std::vector<size_t> order(d);
  for (size_t a = 0; a < d; ++a) order[a] = a;
  std::sort(order.begin(), order.end(), [&](size_t p, size_t q) { return values[p] > values[q]; });
  const double floor = 1e-6 * std::max(values[order[0]], 1e-300);
  for (size_t k = 0; k < m; ++k) {
    std::vector<double> zx(keep, 0.0), zs(keep, 0.0);
    for (size_t e = 0; e < keep; ++e) {
      const size_t col = order[e];
      const double root = std::sqrt(std::max(values[col], floor));
      double px = 0, ps = 0;
      for (size_t a = 0; a < d; ++a) {
        px += v[a][col] * x[k][a];
        ps += v[a][col] * s[k][a];
      }
      zx[e] = root * px;
      zs[e] = ps / root;
    }
    x[k] = zx;
    s[k] = zs;
  }
}

}  // namespace

SteinMetric stein_metric(const std::vector<double>& structure, double beta,
                         const std::function<void(std::vector<Conformation>&)>& label, double delta) {
  SteinMetric metric;
  metric.structure = structure;
  metric.beta_hessian = beta_hessians({structure}, beta, label, delta).front();
  return metric;
}

SteinDiscrepancy kernel_stein_discrepancy(const std::vector<Conformation>& confs, double beta, const SteinMetric& metric,
                                          double bandwidth) {
  SteinDiscrepancy out;
  const size_t m = confs.size();
  out.count = m;
  if (m < 2) throw std::runtime_error("kernel Stein discrepancy needs at least 2 conformations");
  for (const auto& c : confs)
    if (!c.has_forces()) throw std::runtime_error("kernel Stein discrepancy needs forces at every conformation");
  {
    // Stein virial on centred (unaligned) coordinates: -<s . y> = 3N - 3 exactly.
    std::vector<double> v(m, 0.0);
    const size_t n = confs[0].x.size() / 3;
    for (size_t k = 0; k < m; ++k) {
      double c[3] = {0, 0, 0};
      for (size_t i = 0; i < n; ++i)
        for (int d = 0; d < 3; ++d) c[d] += confs[k].x[3 * i + d] / n;
      for (size_t i = 0; i < n; ++i)
        for (int d = 0; d < 3; ++d) v[k] -= beta * confs[k].f[3 * i + d] * (confs[k].x[3 * i + d] - c[d]);
    }
    double mean = 0, var = 0;
    for (double e : v) mean += e / m;
    for (double e : v) var += (e - mean) * (e - mean) / (m - 1);
    const double dof = 3.0 * n - 3.0;
    out.temperature_ratio = mean / dof;
    out.temperature_ratio_error = std::sqrt(var / m) / dof;
  }
  std::vector<std::vector<double>> x, s;
  aligned_coordinates(confs, beta, metric.structure, x, s);
  if (metric.beta_hessian.size() != x[0].size() * x[0].size())
    throw std::runtime_error("kernel Stein discrepancy: the metric does not match the molecule");
  whiten(x, s, metric.beta_hessian, x[0].size() - 6);
  const size_t d = x[0].size();
  const double dof = static_cast<double>(d);
  if (!(bandwidth > 0)) throw std::runtime_error("kernel Stein discrepancy: the bandwidth must be positive");
  out.bandwidth = bandwidth;
  const double h2 = bandwidth * bandwidth, beta_k = -0.5;
  std::vector<double> row_mean(m, 0.0);
  double total = 0;
  for (size_t i = 0; i < m; ++i)
    for (size_t j = i + 1; j < m; ++j) {
      double r2 = 0, ss = 0, ds_u = 0;
      for (size_t a = 0; a < d; ++a) {
        const double u = x[i][a] - x[j][a];
        r2 += u * u;
        ss += s[i][a] * s[j][a];
        ds_u += (s[j][a] - s[i][a]) * u;
      }
      const double q = 1 + r2 / h2;
      const double k = std::pow(q, beta_k), k1 = k / q, k2 = k1 / q;  // q^b, q^(b-1), q^(b-2)
      const double value = k * ss + 2 * beta_k * k1 * ds_u / h2 - 2 * beta_k * dof * k1 / h2 -
                           4 * beta_k * (beta_k - 1) * r2 * k2 / (h2 * h2);
      total += value;
      row_mean[i] += value;
      row_mean[j] += value;
    }
  const double pairs = 0.5 * static_cast<double>(m) * (m - 1);
  out.ksd2 = total / pairs;
  double var = 0;
  for (auto& r : row_mean) {
    r /= static_cast<double>(m - 1);
    var += (r - out.ksd2) * (r - out.ksd2);
  }
  var /= static_cast<double>(m - 1);
  out.standard_error = std::sqrt(4.0 * var / static_cast<double>(m));
  return out;
}

}  // namespace drift
