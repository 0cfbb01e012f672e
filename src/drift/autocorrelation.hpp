#pragma once
// Integrated autocorrelation time of a scalar observable measured on many independent series
// (MD replicas), with a standard error: how many MD steps one independent sample costs.
#include <cstddef>
#include <vector>

namespace drift {

struct AutocorrelationTime {
  double tau = 0;             // tau_int in frames: 1 + 2 sum_{k=1}^{W} rho(k); NaN: series too short for the window
  double standard_error = 0;  // delete-one-group jackknife over groups of series; NaN with fewer than 2 groups
  long window = 0;            // W: Sokal's automatic window, the smallest W >= c * tau(W)
  // When the series are too short for the window (tau NaN): every window W up to half the length
  // had W < c * tau(W), so tau_int > this many frames, as far as the estimate tells; 0 otherwise.
  double lower_bound = 0;
  int groups = 0;             // jackknife groups (series are split into contiguous groups)
  size_t series = 0, length = 0;
  double relative_error() const { return standard_error / tau; }
};

// series[m][t]: observable of independent replica m at equally spaced frames t (all the same
// length). The autocovariance is pooled over every series, about the mean over all of them.
// The standard error comes from the jackknife over `groups` groups of series (default: as many
// as there are series, up to 32) at the full data's window, so it covers the spread between
// replicas. A constant observable has tau = 1 (it decorrelates at once).
AutocorrelationTime integrated_autocorrelation_time(const std::vector<std::vector<double>>& series, double window_c = 5.0,
                                                    int groups = 0);

}  // namespace drift
