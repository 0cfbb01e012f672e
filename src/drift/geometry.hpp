#pragma once
// Small geometric helpers on flat xyz arrays (atom i at x[3i..3i+2]).
#include <vector>

namespace drift {

double distance(const std::vector<double>& x, int i, int j);
// Dihedral angle a-b-c-d in degrees, in [-180, 180).
double dihedral_degrees(const std::vector<double>& x, int a, int b, int c, int d);

}  // namespace drift
