#pragma once
// Integrated autocorrelation time of an angle observable over many independent series,
// for measuring how often MD produces an independent sample.
#include <complex>
#include <vector>

namespace drift {

// series[m][t]: angle in degrees of molecule m at frame t (equally spaced frames).
// The observable is exp(i*angle), so periodicity is handled. Returns tau_int in frames,
// with Sokal's automatic window (smallest M with M >= c * tau(M)); NaN if the series are
// too short for the window.
double integrated_autocorrelation_time(const std::vector<std::vector<double>>& series, double window_c = 5.0);

}  // namespace drift
