#include "drift/geometry.hpp"

#include <cmath>

namespace drift {

double distance(const std::vector<double>& x, int i, int j) {
  const double dx = x[3 * i] - x[3 * j], dy = x[3 * i + 1] - x[3 * j + 1], dz = x[3 * i + 2] - x[3 * j + 2];
  return std::sqrt(dx * dx + dy * dy + dz * dz);
}

double dihedral_degrees(const std::vector<double>& x, int a, int b, int c, int d) {
  // IUPAC sign: positive when, looking from b to c, a turns clockwise onto d.
  double b1[3], b2[3], b3[3];
  for (int k = 0; k < 3; ++k) {
    b1[k] = x[3 * b + k] - x[3 * a + k];
    b2[k] = x[3 * c + k] - x[3 * b + k];
    b3[k] = x[3 * d + k] - x[3 * c + k];
  }
  auto cross = [](const double* u, const double* v, double* w) {
    w[0] = u[1] * v[2] - u[2] * v[1];
    w[1] = u[2] * v[0] - u[0] * v[2];
    w[2] = u[0] * v[1] - u[1] * v[0];
  };
  auto dot = [](const double* u, const double* v) { return u[0] * v[0] + u[1] * v[1] + u[2] * v[2]; };
  double n1[3], n2[3];
  cross(b1, b2, n1);
  cross(b2, b3, n2);
  const double yval = std::sqrt(dot(b2, b2)) * dot(b1, n2);
  const double xval = dot(n1, n2);
  double deg = std::atan2(yval, xval) * 180.0 / M_PI;
  if (deg >= 180.0) deg -= 360.0;
  return deg;
}

}  // namespace drift
