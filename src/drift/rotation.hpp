#pragma once
// The rotation that best superimposes one point set on another (Horn's quaternion method: the
// top eigenvector of a symmetric 4x4 matrix, by cyclic Jacobi), as host/device functions shared
// by the Kokkos placement kernels and host-side analysis (Stein discrepancy).
#include <math.h>

#include "drift/counter_rng.hpp"  // DRIFT_HOST_DEVICE

namespace drift {

DRIFT_HOST_DEVICE void quaternion_to_matrix(const double q[4], double r[3][3]) {
  const double a = q[0], b = q[1], c = q[2], d = q[3];
  r[0][0] = a * a + b * b - c * c - d * d;
  r[0][1] = 2 * (b * c - a * d);
  r[0][2] = 2 * (b * d + a * c);
  r[1][0] = 2 * (b * c + a * d);
  r[1][1] = a * a - b * b + c * c - d * d;
  r[1][2] = 2 * (c * d - a * b);
  r[2][0] = 2 * (b * d - a * c);
  r[2][1] = 2 * (c * d + a * b);
  r[2][2] = a * a - b * b - c * c + d * d;
}

// Eigenvector of the largest eigenvalue of a symmetric 4x4 matrix (overwritten).
DRIFT_HOST_DEVICE void top_eigenvector(double a[4][4], double out[4]) {
  double v[4][4] = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
  for (int sweep = 0; sweep < 50; ++sweep) {
    double off = 0;
    for (int p = 0; p < 4; ++p)
      for (int q = p + 1; q < 4; ++q) off += a[p][q] * a[p][q];
    if (off < 1e-30) break;
    for (int p = 0; p < 4; ++p)
      for (int q = p + 1; q < 4; ++q) {
        if (::fabs(a[p][q]) < 1e-300) continue;
        const double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (::fabs(theta) + ::sqrt(theta * theta + 1));
        const double c = 1 / ::sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < 4; ++k) {
          const double akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < 4; ++k) {
          const double apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (int k = 0; k < 4; ++k) {
          const double vkp = v[k][p], vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
  }
  int best = 0;
  for (int k = 1; k < 4; ++k)
    if (a[k][k] > a[best][best]) best = k;
  for (int k = 0; k < 4; ++k) out[k] = v[k][best];
}

// R minimising sum_i w_i |R a_i - b_i|^2 for centred a, b, from s[a][b] = sum_i w_i a_i[a] b_i[b].
DRIFT_HOST_DEVICE void best_rotation(const double s[3][3], double r[3][3]) {
  double nm[4][4] = {
      {s[0][0] + s[1][1] + s[2][2], s[1][2] - s[2][1], s[2][0] - s[0][2], s[0][1] - s[1][0]},
      {s[1][2] - s[2][1], s[0][0] - s[1][1] - s[2][2], s[0][1] + s[1][0], s[2][0] + s[0][2]},
      {s[2][0] - s[0][2], s[0][1] + s[1][0], -s[0][0] + s[1][1] - s[2][2], s[1][2] + s[2][1]},
      {s[0][1] - s[1][0], s[2][0] + s[0][2], s[1][2] + s[2][1], -s[0][0] - s[1][1] + s[2][2]}};
  double q[4];
  top_eigenvector(nm, q);
  quaternion_to_matrix(q, r);
}

}  // namespace drift
