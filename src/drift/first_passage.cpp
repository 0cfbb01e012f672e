#include "drift/first_passage.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace drift {

namespace {

struct Counts {
  double outside = 0, inside = 0;
  long entries = 0, exits = 0;
  void add(const Counts& o) {
    outside += o.outside;
    inside += o.inside;
    entries += o.entries;
    exits += o.exits;
  }
};

Counts count(const std::vector<char>& s) {
  Counts c;
  for (size_t t = 0; t < s.size(); ++t) {
    (s[t] ? c.inside : c.outside) += 1;
    if (t + 1 < s.size()) {
      if (!s[t] && s[t + 1]) ++c.entries;
      if (s[t] && !s[t + 1]) ++c.exits;
    }
  }
  return c;
}

double ratio(double frames, long events) {
  return events > 0 ? frames / static_cast<double>(events) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

FirstPassageTime mean_first_passage_time(const std::vector<std::vector<char>>& inside, int groups) {
  if (groups < 0) throw std::invalid_argument("mean_first_passage_time: groups must be >= 0");
  FirstPassageTime out;
  const size_t m_count = inside.size();
  const int g_count = static_cast<int>(std::min<size_t>(m_count, groups > 0 ? static_cast<size_t>(groups) : 32));
  out.groups = g_count;
  std::vector<Counts> by_group(std::max(g_count, 1));
  Counts total;
  for (size_t m = 0; m < m_count; ++m) {
    const Counts c = count(inside[m]);
    total.add(c);
    if (g_count > 0) by_group[m * g_count / m_count].add(c);
  }
  out.entries = total.entries;
  out.exits = total.exits;
  out.outside_frames = total.outside;
  out.mean_frames = ratio(total.outside, total.entries);
  out.residence_frames = ratio(total.inside, total.exits);
  out.standard_error_frames = std::numeric_limits<double>::quiet_NaN();
  if (g_count < 2 || !std::isfinite(out.mean_frames)) return out;
  // Jackknife of the ratio estimator: leave one group of replicas out.
  std::vector<double> loo(g_count);
  double mean = 0;
  for (int g = 0; g < g_count; ++g) {
    const double o = total.outside - by_group[g].outside;
    const long e = total.entries - by_group[g].entries;
    loo[g] = ratio(o, e);
    if (!std::isfinite(loo[g])) return out;  // one group holds every entry: no error can be given
    mean += loo[g] / g_count;
  }
  double var = 0;
  for (double v : loo) var += (v - mean) * (v - mean);
  out.standard_error_frames = std::sqrt(var * (g_count - 1) / g_count);
  return out;
}

}  // namespace drift
