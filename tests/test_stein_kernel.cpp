// The Stein kernel of the inverse multiquadric base kernel against its definition, term by term
// from finite differences of the base kernel (Liu, Lee & Jordan 2016, eq. 8):
//   u_p(a, b) = sa.sb k + sa.grad_b k + sb.grad_a k + sum_i d2k / da_i db_i,
// and on the diagonal its closed form u_p(a, a) = |sa|^2 + d / h^2.
#include <gtest/gtest.h>

#include <cmath>
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
