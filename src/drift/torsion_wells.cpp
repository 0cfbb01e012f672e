#include "drift/torsion_wells.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

namespace drift {

int TorsionWells::well_of(double deg) const {
  if (lower.size() <= 1) return 0;
  // The last well wraps around from lower.back() through 180 to lower[0].
  auto it = std::upper_bound(lower.begin(), lower.end(), deg);
  if (it == lower.begin()) return static_cast<int>(lower.size()) - 1;
  return static_cast<int>(it - lower.begin()) - 1;
}

std::string TorsionWells::name(size_t k) const {
  char buf[96];
  if (lower.size() <= 1) {
    std::snprintf(buf, sizeof buf, "one well (peak %.0f deg)", peak.empty() ? 0.0 : peak[0]);
  } else {
    const double hi = lower[(k + 1) % lower.size()];
    std::snprintf(buf, sizeof buf, "%.0f deg [%.0f, %.0f)", peak[k], lower[k], hi);
  }
  return buf;
}

TorsionWells find_wells(const Histogram& h, double min_contrast) {
  const int n = h.bins();
  const auto raw = h.density();
  if (n < 3 || h.total() <= 0) throw std::invalid_argument("find_wells: needs a filled histogram of at least 3 bins");
  std::vector<double> rho(n);
  for (int k = 0; k < n; ++k) rho[k] = 0.25 * raw[(k + n - 1) % n] + 0.5 * raw[k] + 0.25 * raw[(k + 1) % n];
  // Candidate boundaries: local minima (bin indices), on the circle.
  std::vector<int> minima;
  for (int k = 0; k < n; ++k)
    if (rho[k] < rho[(k + n - 1) % n] && rho[k] <= rho[(k + 1) % n]) minima.push_back(k);
  // Peak of the arc between consecutive minima m_i and m_{i+1}.
  auto arc_peak = [&](int from, int to) {  // bins from+1 .. to-1 cyclically (whole circle when from == to)
    int best = (from + 1) % n;
    for (int k = (from + 1) % n; k != to; k = (k + 1) % n)
      if (rho[k] > rho[best]) best = k;
    return best;
  };
  while (minima.size() >= 2) {
    // The weakest boundary: the smallest ratio of the lower neighbouring peak to the minimum.
    double weakest = INFINITY;
    size_t at = 0;
    const size_t m = minima.size();
    for (size_t i = 0; i < m; ++i) {
      const int left = arc_peak(minima[(i + m - 1) % m], minima[i]);
      const int right = arc_peak(minima[i], minima[(i + 1) % m]);
      const double contrast = std::min(rho[left], rho[right]) / std::max(rho[minima[i]], 1e-300);
      if (contrast < weakest) weakest = contrast, at = i;
    }
    if (weakest >= min_contrast) break;
    minima.erase(minima.begin() + static_cast<long>(at));
  }
  if (minima.size() == 1) minima.clear();  // a single minimum bounds a single well
  TorsionWells w;
  const double width = (h.hi() - h.lo()) / n;
  if (minima.empty()) {
    w.lower = {h.lo()};
    w.peak = {h.centre(static_cast<int>(std::max_element(rho.begin(), rho.end()) - rho.begin()))};
    return w;
  }
  std::sort(minima.begin(), minima.end());
  for (size_t i = 0; i < minima.size(); ++i) {
    // The boundary is the centre of the minimum bin; the well runs to the next minimum's centre.
    w.lower.push_back(h.lo() + (minima[i] + 0.5) * width);
    w.peak.push_back(h.centre(arc_peak(minima[i], minima[(i + 1) % minima.size()])));
  }
  return w;
}

std::vector<Population> category_populations(const std::vector<int>& category, int per, size_t k_wells,
                                             const std::vector<long>& cluster, const std::vector<double>* weights) {
  const size_t n = cluster.size();
  if (per < 1 || category.size() != n * static_cast<size_t>(per))
    throw std::invalid_argument("well_populations: angles and clusters do not match");
  if (weights && weights->size() != n)
    throw std::invalid_argument("well_populations: need one weight per conformation, got " +
                                std::to_string(weights->size()) + " weights for " + std::to_string(n) + " conformations");
  if (weights)
    for (double w : *weights)
      if (!std::isfinite(w) || w < 0) throw std::invalid_argument("well_populations: weights must be finite and >= 0");
  for (int c : category)
    if (c < 0 || static_cast<size_t>(c) >= k_wells) throw std::invalid_argument("category_populations: a category out of range");
  auto weight = [&](size_t c) { return weights ? (*weights)[c] : 1.0; };
  std::vector<Population> out(k_wells);
  if (n == 0) return out;
  // Per cluster: summed weights, and summed weighted fractions per well.
  std::map<long, std::pair<double, std::vector<double>>> sums;
  std::vector<double> total(k_wells, 0.0);
  double total_weight = 0;
  for (size_t c = 0; c < n; ++c) {
    const double wc = weight(c);
    auto& s = sums[cluster[c]];
    if (s.second.empty()) s.second.assign(k_wells, 0.0);
    s.first += wc;
    total_weight += wc;
    for (int k = 0; k < per; ++k) {
      const int w = category[c * per + k];
      s.second[w] += wc / per;
      total[w] += wc / per;
    }
  }
  if (!(total_weight > 0)) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (auto& p : out) p.value = p.standard_error = nan;
    return out;
  }
  // One cluster, or clusters of one conformation each: independent conformations.
  const bool independent = sums.size() == 1 || sums.size() == n;
  for (size_t w = 0; w < k_wells; ++w) {
    const double p = total[w] / total_weight;
    double var = 0;
    double groups = 0;
    if (independent) {
      for (size_t c = 0; c < n; ++c) {
        double f = 0;
        for (int k = 0; k < per; ++k) f += (category[c * per + k] == static_cast<int>(w)) / static_cast<double>(per);
        const double d = weight(c) * (f - p);
        var += d * d;
      }
      groups = static_cast<double>(n);
    } else {
      for (const auto& [id, s] : sums) var += (s.second[w] - p * s.first) * (s.second[w] - p * s.first);
      groups = static_cast<double>(sums.size());
    }
    out[w].value = p;
    out[w].standard_error = groups > 1 ? std::sqrt(var * groups / (groups - 1)) / total_weight : 0.0;
  }
  return out;
}

std::vector<Population> well_populations(const std::vector<float>& angles, int per, const std::vector<long>& cluster,
                                         const TorsionWells& wells, const std::vector<double>* weights) {
  if (per < 1 || angles.size() != cluster.size() * static_cast<size_t>(per))
    throw std::invalid_argument("well_populations: angles and clusters do not match");
  std::vector<int> category(angles.size());
  for (size_t k = 0; k < angles.size(); ++k) category[k] = wells.well_of(angles[k]);
  return category_populations(category, per, wells.size(), cluster, weights);
}

}  // namespace drift
