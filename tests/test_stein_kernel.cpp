// The Stein kernel of the inverse multiquadric base kernel against its definition, term by term
// from finite differences of the base kernel (Liu, Lee & Jordan 2016, eq. 8):
//   u_p(a, b) = sa.sb k + sa.grad_b k + sb.grad_a k + sum_i d2k / da_i db_i,
// and on the diagonal its closed form u_p(a, a) = |sa|^2 + d / h^2. Then the whole pipeline
// (alignment, whitening, U-statistic, T_conf) on a harmonic molecule whose answers are analytic.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "drift/stein.hpp"

namespace {

double imq(const std::vector<double>& a, const std::vector<double>& b, double h2) {
  double r2 = 0;
  for (size_t i = 0; i < a.size(); ++i) r2 += (a[i] - b[i]) * (a[i] - b[i]);
  return 1.0 / std::sqrt(1.0 + r2 / h2);
}

// u_p from central differences of imq (step e; error O(e^2)).
double stein_kernel_by_differences(std::vector<double> a, const std::vector<double>& sa, std::vector<double> b,
                                   const std::vector<double>& sb, double h2) {
  const double e = 1e-4;
  double u = imq(a, b, h2);
  double dot = 0;
  for (size_t i = 0; i < a.size(); ++i) dot += sa[i] * sb[i];
  u *= dot;
  for (size_t i = 0; i < a.size(); ++i) {
    const double ai = a[i], bi = b[i];
    b[i] = bi + e;
    const double kb_plus = imq(a, b, h2);
    b[i] = bi - e;
    const double kb_minus = imq(a, b, h2);
    b[i] = bi;
    a[i] = ai + e;
    const double ka_plus = imq(a, b, h2);
    b[i] = bi + e;
    const double kpp = imq(a, b, h2);
    b[i] = bi - e;
    const double kpm = imq(a, b, h2);
    a[i] = ai - e;
    const double kmm = imq(a, b, h2);
    b[i] = bi + e;
    const double kmp = imq(a, b, h2);
    b[i] = bi;
    const double ka_minus = imq(a, b, h2);
    a[i] = ai;
    u += sa[i] * (kb_plus - kb_minus) / (2 * e) + sb[i] * (ka_plus - ka_minus) / (2 * e);
    u += (kpp - kpm - kmp + kmm) / (4 * e * e);
  }
  return u;
}

}  // namespace

// Mutations tried, each failing it: the sign of the d k1 / h2 term or of the r2 k2 term, dropping
// sa from the cross term, the bandwidth as h instead of h^2 in the base kernel.
TEST(SteinKernel, EqualsItsDefinitionFromFiniteDifferences) {
  const std::vector<std::vector<double>> points = {{0.3, -1.2, 0.5, 2.0}, {-0.4, 0.1, 0.9, 1.1}, {1.5, 0.2, -0.7, 0.0}};
  const std::vector<std::vector<double>> scores = {{1.0, 0.5, -2.0, 0.1}, {-0.3, 1.4, 0.2, -0.8}, {0.6, -0.9, 1.1, 0.4}};
  int checked = 0;
  for (double h2 : {0.5, 1.0, 3.0})
    for (size_t p = 0; p < points.size(); ++p)
      for (size_t q = 0; q < points.size(); ++q) {
        const double want = stein_kernel_by_differences(points[p], scores[p], points[q], scores[q], h2);
        const double got = drift::stein_kernel(points[p].data(), scores[p].data(), points[q].data(), scores[q].data(), 4, h2);
        EXPECT_NEAR(got, want, 1e-5 * (1 + std::abs(want))) << "h2 " << h2 << " points " << p << ", " << q;
        ++checked;
      }
  EXPECT_EQ(checked, 27);
  // The diagonal in closed form.
  const auto& a = points[0];
  const auto& s = scores[0];
  EXPECT_NEAR(drift::stein_kernel(a.data(), s.data(), a.data(), s.data(), 4, 2.0), 1.0 + 0.25 + 4.0 + 0.01 + 4.0 / 2.0, 1e-12);
}

namespace {

// A 5-atom molecule with energy E(x) = kT [1/2 u^T (beta H) u + log det B(u)], u = the Eckart
// (Kabsch-aligned) displacement from the centred reference r, B(u) = sum_i (x_i . r_i) I - r_i x_i^T.
// The Eckart slice L (sum u_i = 0, sum r_i x u_i = 0) carries the Boltzmann density
// exp(-beta E) |det B| = exp(-|z|^2 / 2), z_a = sqrt(lambda_a) e_a . u the whitened normal
// coordinates (e_a orthonormal modes in L, lambda_a the eigenvalues of beta H): the log det B term
// cancels the orbit volume of the rotations, so z ~ N(0, I_9) exactly and the Boltzmann score in
// these coordinates is exactly -z. Any other orthonormal whitening of L (the pipeline's) rotates z
// and its score together, which changes neither the distribution nor the Stein kernel.
struct HarmonicMolecule {
  size_t n = 5, k = 9;
  double beta = 1 / 0.596;            // 1 / kT, kcal/mol at 300 K
  std::vector<double> r;              // centred reference, 3N
  std::vector<std::vector<double>> mode;  // e_a, 3N each, orthonormal, spanning L
  std::vector<double> lambda;         // beta H eigenvalues, 1 / A^2
  std::vector<double> beta_hessian;   // sum_a lambda_a e_a e_a^T (zero on rigid motions)
};

double det3(const double b[3][3]) {
  return b[0][0] * (b[1][1] * b[2][2] - b[1][2] * b[2][1]) - b[0][1] * (b[1][0] * b[2][2] - b[1][2] * b[2][0]) +
         b[0][2] * (b[1][0] * b[2][1] - b[1][1] * b[2][0]);
}

void orbit_matrix(const std::vector<double>& r, const std::vector<double>& x, double b[3][3]) {
  for (int p = 0; p < 3; ++p)
    for (int q = 0; q < 3; ++q) b[p][q] = 0;
  for (size_t i = 0; i < r.size() / 3; ++i) {
    const double dot = r[3 * i] * x[3 * i] + r[3 * i + 1] * x[3 * i + 1] + r[3 * i + 2] * x[3 * i + 2];
    for (int p = 0; p < 3; ++p)
      for (int q = 0; q < 3; ++q) b[p][q] += (p == q ? dot : 0.0) - r[3 * i + p] * x[3 * i + q];
  }
}

HarmonicMolecule harmonic_molecule() {
  HarmonicMolecule h;
  h.r = {0.0, 0.0, 0.0, 1.5, 0.1, -0.2, -0.6, 1.4, 0.3, -0.4, -0.8, 1.2, 0.2, -0.5, -1.3};
  const size_t d = 3 * h.n;
  for (int a = 0; a < 3; ++a) {
    double c = 0;
    for (size_t i = 0; i < h.n; ++i) c += h.r[3 * i + a] / h.n;
    for (size_t i = 0; i < h.n; ++i) h.r[3 * i + a] -= c;
  }
  // Orthonormal rigid motions at r (3 translations, 3 rotations e_a x r_i), then the modes: the
  // breathing mode r / |r| (in L) first, the others from random vectors, all by Gram-Schmidt.
  std::vector<std::vector<double>> basis;
  auto add = [&](std::vector<double> v) {
    for (const auto& q : basis) {
      double dot = 0;
      for (size_t e = 0; e < d; ++e) dot += v[e] * q[e];
      for (size_t e = 0; e < d; ++e) v[e] -= dot * q[e];
    }
    double norm = 0;
    for (double e : v) norm += e * e;
    for (double& e : v) e /= std::sqrt(norm);
    basis.push_back(v);
  };
  for (int axis = 0; axis < 6; ++axis) {
    std::vector<double> v(d, 0.0);
    for (size_t i = 0; i < h.n; ++i) {
      if (axis < 3) {
        v[3 * i + axis] = 1;
      } else {
        const int a = axis - 3, b1 = (a + 1) % 3, b2 = (a + 2) % 3;
        v[3 * i + b2] = h.r[3 * i + b1];
        v[3 * i + b1] = -h.r[3 * i + b2];
      }
    }
    add(v);
  }
  add(h.r);
  std::mt19937_64 rng(2024);
  std::normal_distribution<double> normal;
  while (basis.size() < d) {
    std::vector<double> v(d);
    for (double& e : v) e = normal(rng);
    add(v);
  }
  h.mode.assign(basis.begin() + 6, basis.end());
  // Stiffnesses 100 .. 2500 / A^2 (thermal amplitudes 0.1 .. 0.02 A), small enough that alignment
  // stays the identity map on L (checked below). The breathing mode is the softest (25 / A^2: a 7%
  // dilation, which alignment ignores), so the virial's term (beta H u) . r, of mean 0, adds less
  // noise to T_conf.
  h.beta_hessian.assign(d * d, 0.0);
  for (size_t a = 0; a < h.k; ++a) {
    h.lambda.push_back(a == 0 ? 25.0 : 100.0 * std::pow(25.0, static_cast<double>(a - 1) / (h.k - 2)));
    for (size_t p = 0; p < d; ++p)
      for (size_t q = 0; q < d; ++q) h.beta_hessian[p * d + q] += h.lambda[a] * h.mode[a][p] * h.mode[a][q];
  }
  return h;
}

// m conformations with z ~ N(0, v I_9) (v = 1: the Boltzmann distribution of E at kT), each
// randomly rotated and translated, forces F = -grad E rotated with it. grad E: on L it is
// g = kT (beta H u + grad log det B) (log det B by central differences); across L it is fixed by
// the invariances, F = kT (-g + t + w x r_i) with sum_i F_i = 0 and sum_i x_i x F_i = 0 at the
// aligned x, i.e. t = mean_i g_i and B w = sum_i x_i x g_i.
std::vector<drift::Conformation> harmonic_samples(const HarmonicMolecule& h, size_t m, double v, unsigned seed,
                                                  std::vector<std::vector<double>>* aligned = nullptr) {
  const size_t d = 3 * h.n;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<drift::Conformation> out(m);
  for (auto& conf : out) {
    std::vector<double> u(d, 0.0), x(d), g(d, 0.0);
    for (size_t a = 0; a < h.k; ++a) {
      const double za = std::sqrt(v) * normal(rng);
      for (size_t e = 0; e < d; ++e) {
        u[e] += za / std::sqrt(h.lambda[a]) * h.mode[a][e];
        g[e] += za * std::sqrt(h.lambda[a]) * h.mode[a][e];  // beta H u
      }
    }
    for (size_t e = 0; e < d; ++e) x[e] = h.r[e] + u[e];
    double b[3][3];
    for (size_t e = 0; e < d; ++e) {
      const double step = 1e-6;
      std::vector<double> xp(x), xm(x);
      xp[e] += step;
      xm[e] -= step;
      orbit_matrix(h.r, xp, b);
      const double lp = std::log(det3(b));
      orbit_matrix(h.r, xm, b);
      g[e] += (lp - std::log(det3(b))) / (2 * step);
    }
    double t[3] = {0, 0, 0}, torque[3] = {0, 0, 0};
    for (size_t i = 0; i < h.n; ++i)
      for (int a = 0; a < 3; ++a) {
        t[a] += g[3 * i + a] / h.n;
        torque[a] += x[3 * i + (a + 1) % 3] * g[3 * i + (a + 2) % 3] - x[3 * i + (a + 2) % 3] * g[3 * i + (a + 1) % 3];
      }
    orbit_matrix(h.r, x, b);
    double w[3];  // Cramer's rule
    const double det = det3(b);
    for (int c = 0; c < 3; ++c) {
      double bc[3][3];
      for (int p = 0; p < 3; ++p)
        for (int q = 0; q < 3; ++q) bc[p][q] = q == c ? torque[p] : b[p][q];
      w[c] = det3(bc) / det;
    }
    std::vector<double> f(d);
    for (size_t i = 0; i < h.n; ++i)
      for (int a = 0; a < 3; ++a) {
        const double* ri = &h.r[3 * i];
        const double wxr = w[(a + 1) % 3] * ri[(a + 2) % 3] - w[(a + 2) % 3] * ri[(a + 1) % 3];
        f[3 * i + a] = (-g[3 * i + a] + t[a] + wxr) / h.beta;
      }
    // A uniform random rotation (unit quaternion) and a translation.
    double qn[4], norm = 0;
    for (double& e : qn) {
      e = normal(rng);
      norm += e * e;
    }
    for (double& e : qn) e /= std::sqrt(norm);
    const double qw = qn[0], qx = qn[1], qy = qn[2], qz = qn[3];
    const double rot[3][3] = {{1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qz * qw), 2 * (qx * qz + qy * qw)},
                              {2 * (qx * qy + qz * qw), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz - qx * qw)},
                              {2 * (qx * qz - qy * qw), 2 * (qy * qz + qx * qw), 1 - 2 * (qx * qx + qy * qy)}};
    const double shift[3] = {3 * normal(rng), 3 * normal(rng), 3 * normal(rng)};
    conf.x.assign(d, 0.0);
    conf.f.assign(d, 0.0);
    for (size_t i = 0; i < h.n; ++i)
      for (int a = 0; a < 3; ++a) {
        conf.x[3 * i + a] = shift[a];
        for (int c = 0; c < 3; ++c) {
          conf.x[3 * i + a] += rot[a][c] * x[3 * i + c];
          conf.f[3 * i + a] += rot[a][c] * f[3 * i + c];
        }
      }
    if (aligned) aligned->push_back(x);
  }
  return out;
}

// E_{a,b ~ N(0, v I_d)} u_p(a, b) for the target N(0, I_d) (score -z), bandwidth h, by quadrature.
// From the definition, u_p = sa.sb k + sa.grad_b k + sb.grad_a k + tr grad_a grad_b k with
// k = q^-1/2, q = 1 + r^2 / h^2, r = |a - b|:
//   u_p = (a.b) q^-1/2 - r^2 q^-3/2 / h^2 + d q^-3/2 / h^2 - 3 r^2 q^-5/2 / h^4.
// With a.b = (|a + b|^2 - r^2) / 4 and a + b independent of a - b ~ N(0, 2v I_d), E[a.b | r] =
// (2 v d - r^2) / 4, leaving a 1-D integral over r with density ~ r^(d-1) exp(-r^2 / 4v) (Simpson).
double expected_ksd2(double v, size_t dim, double h) {
  const double d = static_cast<double>(dim), h2 = h * h;
  const double top = 10 * std::sqrt(4 * v);
  const int steps = 20000;
  double mass = 0, sum = 0;
  for (int i = 0; i <= steps; ++i) {
    const double r = top * i / steps, r2 = r * r, q = 1 + r2 / h2;
    const double simpson = (i == 0 || i == steps) ? 1 : (i % 2 ? 4 : 2);
    const double density = simpson * std::pow(r, d - 1) * std::exp(-r2 / (4 * v));
    const double u = (2 * v * d - r2) / 4 / std::sqrt(q) + (d - r2) / (h2 * q * std::sqrt(q)) -
                     3 * r2 / (h2 * h2 * q * q * std::sqrt(q));
    mass += density;
    sum += density * u;
  }
  return sum / mass;
}

}  // namespace

// The full pipeline (alignment, whitening by beta H on the Eckart slice, the orbit-volume score,
// the IMQ Stein kernel U-statistic, T_conf) on a harmonic molecule sampled exactly (see
// HarmonicMolecule), randomly rotated: (a) Boltzmann samples give KSD^2 within 3 SE of 0 and
// T_conf / T within 3 SE of 1; (b) samples with every mode's variance scaled by v = 1.5 give the
// KSD^2 of N(0, 1.5 I_9) against N(0, I_9) computed by quadrature above, and T_conf / T =
// (3 + 9 v) / 12 = 1.375, not v: a sample's virial is -beta F . (x - c) = 3 + |z|^2 + (beta H u) . r,
// where 3 = grad log det B . x exactly (B is linear in x) is the rotations' share, which heating
// the internal modes leaves alone (at v = 1 it is the virial theorem's 3N - 3 = 12).
// The SE of (a) is the leading-order formula, which overstates the degenerate (null) U-statistic's
// spread (~ sqrt 2 times), so (a) is a loose check; (b) is the sharp one.
// Mutations of src/drift/stein.cpp tried, each failing it: dropping the d / h^2 term of the Stein
// kernel (exact KSD^2 -0.167); the unwhitened score (ps instead of ps / root: 80); a V-statistic
// (the diagonal added: exact 0.0088, 25 SE); dropping the orbit-volume score (exact 0.0118, 6.7 SE);
// forces not rotated with the conformations (exact 0.125).
TEST(SteinKernel, HarmonicMoleculeMatchesAnalyticDiscrepancy) {
  const HarmonicMolecule h = harmonic_molecule();
  drift::SteinMetric metric;
  metric.structure = h.r;
  metric.beta_hessian = h.beta_hessian;
  const size_t m = 4000;
  EXPECT_NEAR(expected_ksd2(1.0, h.k, 1.0), 0.0, 1e-9);  // Stein's identity: checks the quadrature
  const double v = 1.5, want = expected_ksd2(v, h.k, 1.0);

  // The construction: alignment undoes the random rotation, every sample lands on r + u.
  std::vector<std::vector<double>> x;
  const auto exact = harmonic_samples(h, m, 1.0, 7, &x);
  const auto w = drift::whitened_samples(exact, h.beta, metric);
  ASSERT_EQ(w.dim, h.k);
  double worst = 0;
  for (size_t s = 0; s < m; ++s)
    for (size_t e = 0; e < 3 * h.n; ++e) worst = std::max(worst, std::fabs(w.aligned[s * 3 * h.n + e] - x[s][e]));
  EXPECT_LT(worst, 1e-9);

  const auto a = drift::kernel_stein_discrepancy(exact, h.beta, metric);
  EXPECT_LT(std::fabs(a.ksd2), 3 * a.standard_error) << a.ksd2 << " +- " << a.standard_error;
  EXPECT_LT(std::fabs(a.temperature_ratio - 1), 3 * a.temperature_ratio_error) << a.temperature_ratio;

  const auto b = drift::kernel_stein_discrepancy(harmonic_samples(h, m, v, 8), h.beta, metric);
  EXPECT_LT(std::fabs(b.ksd2 - want), 3 * b.standard_error) << b.ksd2 << " +- " << b.standard_error << " want " << want;
  EXPECT_GT(want, 10 * b.standard_error);  // the mismatch is resolved
  const double t_want = (3 + v * h.k) / (3.0 * h.n - 3);
  EXPECT_LT(std::fabs(b.temperature_ratio - t_want), 3 * b.temperature_ratio_error) << b.temperature_ratio;
  EXPECT_GT(std::fabs(b.temperature_ratio - v), 3 * b.temperature_ratio_error);  // resolves the rotations' share
  std::printf("[ harmonic ] exact: KSD2 %.5f +- %.5f, T_conf/T %.4f +- %.4f | v = 1.5: KSD2 %.5f +- %.5f (expected "
              "%.5f), T_conf/T %.4f +- %.4f (expected %.4f)\n",
              a.ksd2, a.standard_error, a.temperature_ratio, a.temperature_ratio_error, b.ksd2, b.standard_error, want,
              b.temperature_ratio, b.temperature_ratio_error, t_want);
}
