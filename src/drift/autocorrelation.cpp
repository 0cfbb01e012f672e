#include "drift/autocorrelation.hpp"

#include <cmath>
#include <limits>

namespace drift {

double integrated_autocorrelation_time(const std::vector<std::vector<double>>& series, double window_c) {
  if (series.empty() || series[0].size() < 4) return std::numeric_limits<double>::quiet_NaN();
  const size_t T = series[0].size();
  std::vector<std::vector<std::complex<double>>> z(series.size());
  std::complex<double> mean = 0;
  size_t count = 0;
  for (size_t m = 0; m < series.size(); ++m) {
    if (series[m].size() != T) return std::numeric_limits<double>::quiet_NaN();
    for (double deg : series[m]) {
      z[m].push_back(std::polar(1.0, deg * M_PI / 180.0));
      mean += z[m].back();
      ++count;
    }
  }
  mean /= static_cast<double>(count);
  for (auto& s : z)
    for (auto& v : s) v -= mean;
  auto autocov = [&](size_t k) {
    double sum = 0;
    size_t n = 0;
    for (const auto& s : z)
      for (size_t t = 0; t + k < T; ++t, ++n) sum += std::real(s[t + k] * std::conj(s[t]));
    return n ? sum / n : 0.0;
  };
  const double c0 = autocov(0);
  if (!(c0 > 0)) return 1.0;  // a constant observable decorrelates at once
  double tau = 1.0;
  for (size_t k = 1; k < T / 2; ++k) {
    tau += 2.0 * autocov(k) / c0;
    if (static_cast<double>(k) >= window_c * tau) return tau;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace drift
