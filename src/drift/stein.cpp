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

// The chart of the KSD. Kabsch alignment onto the centred reference r puts every conformation's
// displacement u = x - r in the linear slice L = {u : sum_i u_i = 0, sum_i r_i x u_i = 0} (the
// alignment's own stationarity condition), the orthogonal complement of the rigid motions at r. On L
// the Boltzmann density is exp(-beta E(r + u)) |det B(u)|, B = sum_i (x_i . r_i) I - r_i x_i^T the
// orbit volume of the rotations (the Eckart-frame Jacobian), so the score on L is the projection of
// beta F + grad log |det B| (grad_i = tr(B^-1) r_i - B^-1 r_i): Stein's identity then holds exactly in
// this chart, which importance weights rely on (the term is small for ethanol: below the noise of
// 10^4 samples; docs/method.md). Whitening by beta H restricted to L:
// z = L^1/2 V^T u, s_z = L^-1/2 V^T s, V the restricted metric's eigenvectors (orthonormal in L).
struct Chart {
  std::vector<double> r;       // centred reference, 3N
  std::vector<double> basis;   // k columns of 3N, column-major: V
  std::vector<double> root;    // k: sqrt of the metric's eigenvalues on L (floored)
  size_t k = 0;
};

Chart make_chart(const std::vector<double>& ref_centred, const std::vector<double>& metric) {
  const size_t d = ref_centred.size(), n = d / 3;
  Chart c;
  c.r = ref_centred;
  // Rigid motions at r: three translations and three rotations, orthonormalised (a linear or
  // collinear reference spans fewer).
  std::vector<std::vector<double>> rigid;
  for (int axis = 0; axis < 6; ++axis) {
    std::vector<double> v(d, 0.0);
    for (size_t i = 0; i < n; ++i) {
      if (axis < 3) {
        v[3 * i + axis] = 1;
      } else {
        const int a = axis - 3, b1 = (a + 1) % 3, b2 = (a + 2) % 3;  // e_a x r_i
        v[3 * i + b2] = c.r[3 * i + b1];
        v[3 * i + b1] = -c.r[3 * i + b2];
      }
    }
    for (const auto& q : rigid) {
      double dot = 0;
      for (size_t e = 0; e < d; ++e) dot += v[e] * q[e];
      for (size_t e = 0; e < d; ++e) v[e] -= dot * q[e];
    }
    double norm = 0;
    for (double e : v) norm += e * e;
    norm = std::sqrt(norm);
    if (norm < 1e-8 * std::sqrt(static_cast<double>(n))) continue;
    for (double& e : v) e /= norm;
    rigid.push_back(v);
  }
  // An orthonormal basis Q of L: the eigenvectors of the projector I - sum q q^T with eigenvalue 1.
  std::vector<std::vector<double>> proj(d, std::vector<double>(d, 0.0)), evec;
  for (size_t a = 0; a < d; ++a) {
    proj[a][a] = 1;
    for (const auto& q : rigid)
      for (size_t b = 0; b < d; ++b) proj[a][b] -= q[a] * q[b];
  }
  std::vector<double> values;
  symmetric_eigen(proj, values, evec);
  std::vector<size_t> keep;
  for (size_t e = 0; e < d; ++e)
    if (values[e] > 0.5) keep.push_back(e);
  const size_t k = keep.size();
  // The metric on L: G = Q^T (beta H) Q, then its eigenvectors W; V = Q W.
  std::vector<std::vector<double>> g(k, std::vector<double>(k, 0.0)), w;
  for (size_t p = 0; p < k; ++p)
    for (size_t q = 0; q < k; ++q) {
      double sum = 0;
      for (size_t a = 0; a < d; ++a)
        for (size_t b = 0; b < d; ++b)
          sum += evec[a][keep[p]] * 0.5 * (metric[a * d + b] + metric[b * d + a]) * evec[b][keep[q]];
      g[p][q] = sum;
    }
  symmetric_eigen(g, values, w);
  double top = 0;
  for (double v : values) top = std::max(top, v);
  const double floor = 1e-6 * std::max(top, 1e-300);
  c.k = k;
  c.root.resize(k);
  c.basis.assign(k * d, 0.0);
  for (size_t col = 0; col < k; ++col) {
    c.root[col] = std::sqrt(std::max(values[col], floor));
    for (size_t a = 0; a < d; ++a) {
      double sum = 0;
      for (size_t p = 0; p < k; ++p) sum += evec[a][keep[p]] * w[p][col];
      c.basis[col * d + a] = sum;
    }
  }
  return c;
}

// grad_u log |det B(u)| at the aligned conformation x (3N), added to the score s.
void add_orbit_volume_score(const std::vector<double>& r, const std::vector<double>& x, std::vector<double>& s) {
  const size_t n = r.size() / 3;
  double b[3][3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
  for (size_t i = 0; i < n; ++i) {
    const double* ri = &r[3 * i];
    const double* xi = &x[3 * i];
    const double dot = ri[0] * xi[0] + ri[1] * xi[1] + ri[2] * xi[2];
    for (int p = 0; p < 3; ++p)
      for (int q = 0; q < 3; ++q) b[p][q] += (p == q ? dot : 0.0) - ri[p] * xi[q];
  }
  const double det = b[0][0] * (b[1][1] * b[2][2] - b[1][2] * b[2][1]) - b[0][1] * (b[1][0] * b[2][2] - b[1][2] * b[2][0]) +
                     b[0][2] * (b[1][0] * b[2][1] - b[1][1] * b[2][0]);
  if (!(std::fabs(det) > 1e-300)) throw std::runtime_error("Stein metrics: a conformation is degenerate after alignment (det B = 0)");
  double inv[3][3];
  inv[0][0] = (b[1][1] * b[2][2] - b[1][2] * b[2][1]) / det;
  inv[0][1] = (b[0][2] * b[2][1] - b[0][1] * b[2][2]) / det;
  inv[0][2] = (b[0][1] * b[1][2] - b[0][2] * b[1][1]) / det;
  inv[1][0] = (b[1][2] * b[2][0] - b[1][0] * b[2][2]) / det;
  inv[1][1] = (b[0][0] * b[2][2] - b[0][2] * b[2][0]) / det;
  inv[1][2] = (b[0][2] * b[1][0] - b[0][0] * b[1][2]) / det;
  inv[2][0] = (b[1][0] * b[2][1] - b[1][1] * b[2][0]) / det;
  inv[2][1] = (b[0][1] * b[2][0] - b[0][0] * b[2][1]) / det;
  inv[2][2] = (b[0][0] * b[1][1] - b[0][1] * b[1][0]) / det;
  const double trace = inv[0][0] + inv[1][1] + inv[2][2];
  // d log det B / d x_ic = tr(B^-1 dB/dx_ic), dB/dx_ic = r_ic I - r_i e_c^T: tr(B^-1) r_ic - (B^-1 r_i)_c.
  for (size_t i = 0; i < n; ++i)
    for (int c = 0; c < 3; ++c) {
      double binv_r = 0;
      for (int q = 0; q < 3; ++q) binv_r += inv[c][q] * r[3 * i + q];
      s[3 * i + c] += trace * r[3 * i + c] - binv_r;
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

WhitenedSamples whitened_samples(const std::vector<Conformation>& confs, double beta, const SteinMetric& metric) {
  if (confs.empty()) throw std::runtime_error("Stein metrics need at least 1 conformation");
  for (const auto& c : confs)
    if (!c.has_forces()) throw std::runtime_error("Stein metrics need forces at every conformation");
  const size_t d = confs[0].x.size();
  if (d < 9) throw std::runtime_error("Stein metrics need a molecule of at least 3 atoms");
  if (metric.beta_hessian.size() != d * d || metric.structure.size() != d)
    throw std::runtime_error("Stein metrics: the metric does not match the molecule");
  std::vector<std::vector<double>> x, s;
  aligned_coordinates(confs, beta, metric.structure, x, s);  // u = x - r and beta F, aligned
  std::vector<double> r(metric.structure);
  {
    const size_t n = d / 3;
    double c[3] = {0, 0, 0};
    for (size_t i = 0; i < n; ++i)
      for (int a = 0; a < 3; ++a) c[a] += r[3 * i + a] / n;
    for (size_t i = 0; i < n; ++i)
      for (int a = 0; a < 3; ++a) r[3 * i + a] -= c[a];
  }
  const Chart chart = make_chart(r, metric.beta_hessian);
  WhitenedSamples out;
  out.count = x.size();
  out.dim = chart.k;
  out.z.assign(out.count * out.dim, 0.0);
  out.score.assign(out.count * out.dim, 0.0);
  out.tangent.resize(chart.k * d);
  for (size_t e = 0; e < chart.k; ++e)
    for (size_t a = 0; a < d; ++a) out.tangent[e * d + a] = chart.basis[e * d + a] / chart.root[e];
  out.aligned.resize(out.count * d);
  out.orbit.assign(out.count * out.dim, 0.0);
  std::vector<double> xa(d), volume(d);
  for (size_t m = 0; m < out.count; ++m) {
    for (size_t a = 0; a < d; ++a) out.aligned[m * d + a] = xa[a] = r[a] + x[m][a];
    std::fill(volume.begin(), volume.end(), 0.0);
    add_orbit_volume_score(r, xa, volume);
    for (size_t a = 0; a < d; ++a) s[m][a] += volume[a];
    for (size_t e = 0; e < chart.k; ++e) {
      const double* v = &chart.basis[e * d];
      double p = 0;
      for (size_t a = 0; a < d; ++a) p += v[a] * volume[a];
      out.orbit[m * out.dim + e] = p / chart.root[e];
    }
    for (size_t e = 0; e < chart.k; ++e) {
      const double* v = &chart.basis[e * d];
      double pu = 0, ps = 0;
      for (size_t a = 0; a < d; ++a) {
        pu += v[a] * x[m][a];
        ps += v[a] * s[m][a];
      }
      out.z[m * out.dim + e] = chart.root[e] * pu;
      out.score[m * out.dim + e] = ps / chart.root[e];
    }
  }
  return out;
}

double stein_kernel(const double* a, const double* sa, const double* b, const double* sb, size_t d, double h2) {
  constexpr double beta_k = -0.5;
  double r2 = 0, ss = 0, ds_u = 0;
  for (size_t k = 0; k < d; ++k) {
    const double u = a[k] - b[k];
    r2 += u * u;
    ss += sa[k] * sb[k];
    ds_u += (sb[k] - sa[k]) * u;
  }
  const double q = 1 + r2 / h2;
  const double k0 = 1 / std::sqrt(q), k1 = k0 / q, k2 = k1 / q;  // q^b, q^(b-1), q^(b-2)
  return k0 * ss + 2 * beta_k * k1 * ds_u / h2 - 2 * beta_k * static_cast<double>(d) * k1 / h2 -
         4 * beta_k * (beta_k - 1) * r2 * k2 / (h2 * h2);
}

std::vector<double> stein_virials(const std::vector<Conformation>& confs, double beta) {
  // Centred (unaligned) coordinates: -<s . y> = 3N - 3 exactly.
  std::vector<double> v(confs.size(), 0.0);
  for (size_t k = 0; k < confs.size(); ++k) {
    const size_t n = confs[k].x.size() / 3;
    double c[3] = {0, 0, 0};
    for (size_t i = 0; i < n; ++i)
      for (int d = 0; d < 3; ++d) c[d] += confs[k].x[3 * i + d] / n;
    for (size_t i = 0; i < n; ++i)
      for (int d = 0; d < 3; ++d) v[k] -= beta * confs[k].f[3 * i + d] * (confs[k].x[3 * i + d] - c[d]);
  }
  return v;
}

void weighted_temperature_ratio(const std::vector<Conformation>& confs, const std::vector<double>& weights, double beta,
                                double& ratio, double& error) {
  if (confs.size() < 2 || weights.size() != confs.size())
    throw std::invalid_argument("weighted T_conf needs at least 2 conformations and one weight each");
  const std::vector<double> v = stein_virials(confs, beta);
  const double dof = 3.0 * static_cast<double>(confs[0].x.size() / 3) - 3.0;
  const double n = static_cast<double>(confs.size());
  double total = 0, mean = 0, var = 0;
  for (double w : weights) total += w;
  for (size_t i = 0; i < v.size(); ++i) mean += weights[i] / total * v[i];
  for (size_t i = 0; i < v.size(); ++i) var += (weights[i] / total) * (weights[i] / total) * (v[i] - mean) * (v[i] - mean);
  ratio = mean / dof;
  error = std::sqrt(var * n / (n - 1)) / dof;
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
    const std::vector<double> v = stein_virials(confs, beta);
    double mean = 0, var = 0;
    for (double e : v) mean += e / m;
    for (double e : v) var += (e - mean) * (e - mean) / (m - 1);
    const double dof = 3.0 * (confs[0].x.size() / 3) - 3.0;
    out.temperature_ratio = mean / dof;
    out.temperature_ratio_error = std::sqrt(var / m) / dof;
  }
  if (!(bandwidth > 0)) throw std::runtime_error("kernel Stein discrepancy: the bandwidth must be positive");
  const WhitenedSamples w = whitened_samples(confs, beta, metric);
  const size_t d = w.dim;
  out.bandwidth = bandwidth;
  const double h2 = bandwidth * bandwidth;
  std::vector<double> row_mean(m, 0.0);
  double total = 0;
  for (size_t i = 0; i < m; ++i)
    for (size_t j = i + 1; j < m; ++j) {
      const double value = stein_kernel(w.z_row(i), w.score_row(i), w.z_row(j), w.score_row(j), d, h2);
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
