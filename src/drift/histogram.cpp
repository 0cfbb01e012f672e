#include "drift/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace drift {

Histogram::Histogram(double lo, double hi, int bins)
    : lo_(lo), hi_(hi), width_((hi - lo) / bins), bins_(bins), counts_(bins + 2, 0.0) {
  if (!(hi > lo) || bins < 1) throw std::invalid_argument("Histogram: need hi > lo and bins >= 1");
}

void Histogram::add(double value, double weight) {
  // A NaN compares false both ways and would index past the bins.
  if (std::isnan(value)) throw std::invalid_argument("Histogram: a value is not a number (a NaN in the data being compared)");
  int k;
  if (value < lo_) k = 0;
  else if (value >= hi_) k = bins_ + 1;
  else k = 1 + std::min(bins_ - 1, static_cast<int>((value - lo_) / width_));
  counts_[k] += weight;
  total_ += weight;
}

std::vector<double> Histogram::probabilities() const {
  std::vector<double> p(counts_.size(), 0.0);
  if (total_ > 0)
    for (size_t k = 0; k < p.size(); ++k) p[k] = counts_[k] / total_;
  return p;
}

std::vector<double> Histogram::density() const {
  std::vector<double> d(bins_, 0.0);
  if (total_ > 0)
    for (int k = 0; k < bins_; ++k) d[k] = counts_[k + 1] / (total_ * width_);
  return d;
}

namespace {
void check_compatible(const Histogram& p, const Histogram& q) {
  if (p.bins() != q.bins() || p.lo() != q.lo() || p.hi() != q.hi())
    throw std::invalid_argument("histograms with different binning cannot be compared");
}
}  // namespace

double total_variation(const Histogram& p, const Histogram& q) {
  check_compatible(p, q);
  if (p.total() <= 0 || q.total() <= 0) return std::numeric_limits<double>::quiet_NaN();
  const auto a = p.probabilities(), b = q.probabilities();
  double s = 0;
  for (size_t k = 0; k < a.size(); ++k) s += std::fabs(a[k] - b[k]);
  return 0.5 * s;
}

double jensen_shannon(const Histogram& p, const Histogram& q) {
  check_compatible(p, q);
  if (p.total() <= 0 || q.total() <= 0) return std::numeric_limits<double>::quiet_NaN();
  const auto a = p.probabilities(), b = q.probabilities();
  double s = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    const double m = 0.5 * (a[k] + b[k]);
    if (a[k] > 0) s += 0.5 * a[k] * std::log(a[k] / m);
    if (b[k] > 0) s += 0.5 * b[k] * std::log(b[k] / m);
  }
  return std::max(0.0, s);
}

double wasserstein1(std::vector<double> a, std::vector<double> b) {
  if (a.empty() || b.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  // Integral of |F_a - F_b| over the merged support.
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  size_t i = 0, j = 0;
  double prev = std::min(a[0], b[0]), w = 0;
  while (i < a.size() || j < b.size()) {
    double next;
    if (j >= b.size() || (i < a.size() && a[i] <= b[j])) next = a[i];
    else next = b[j];
    w += std::fabs(i / na - j / nb) * (next - prev);
    prev = next;
    while (i < a.size() && a[i] == next) ++i;
    while (j < b.size() && b[j] == next) ++j;
  }
  return w;
}

namespace {
// Values sorted ascending with their weights; throws on a bad weight.
std::vector<std::pair<double, double>> sorted_weighted(const std::vector<double>& v, const std::vector<double>& w,
                                                       double& total) {
  if (v.size() != w.size())
    throw std::invalid_argument("wasserstein1: need one weight per value, got " + std::to_string(v.size()) +
                                " values and " + std::to_string(w.size()) + " weights");
  std::vector<std::pair<double, double>> out(v.size());
  total = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(w[i]) || w[i] < 0)
      throw std::invalid_argument("wasserstein1: weights must be finite and >= 0");
    out[i] = {v[i], w[i]};
    total += w[i];
  }
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  return out;
}
}  // namespace

double wasserstein1(std::vector<double> a, std::vector<double> wa, std::vector<double> b, std::vector<double> wb) {
  double ta = 0, tb = 0;
  const auto sa = sorted_weighted(a, wa, ta), sb = sorted_weighted(b, wb, tb);
  if (sa.empty() || sb.empty() || !(ta > 0) || !(tb > 0)) return std::numeric_limits<double>::quiet_NaN();
  // Integral of |F_a - F_b| over the merged support; F = cumulative weight / total weight (for unit
  // weights exactly the unweighted overload's i / n).
  size_t i = 0, j = 0;
  double ca = 0, cb = 0;  // cumulative weights below the current point
  double prev = std::min(sa[0].first, sb[0].first), w = 0;
  while (i < sa.size() || j < sb.size()) {
    double next;
    if (j >= sb.size() || (i < sa.size() && sa[i].first <= sb[j].first)) next = sa[i].first;
    else next = sb[j].first;
    w += std::fabs(ca / ta - cb / tb) * (next - prev);
    prev = next;
    while (i < sa.size() && sa[i].first == next) ca += sa[i++].second;
    while (j < sb.size() && sb[j].first == next) cb += sb[j++].second;
  }
  return w;
}

double wasserstein2(std::vector<double> a, std::vector<double> wa, std::vector<double> b, std::vector<double> wb) {
  double ta = 0, tb = 0;
  const auto sa = sorted_weighted(a, wa, ta), sb = sorted_weighted(b, wb, tb);
  if (sa.empty() || sb.empty() || !(ta > 0) || !(tb > 0)) return std::numeric_limits<double>::quiet_NaN();
  // W2^2 = integral over u in [0, 1] of (F_a^-1(u) - F_b^-1(u))^2: walk both quantile functions,
  // which are constant between the merged cumulative fractions.
  size_t i = 0, j = 0;
  double ua = sa[0].second / ta, ub = sb[0].second / tb, u = 0, w2 = 0;
  while (i < sa.size() && j < sb.size()) {
    const double next = std::min(ua, ub);
    const double d = sa[i].first - sb[j].first;
    w2 += d * d * (next - u);
    u = next;
    if (ua <= next && ++i < sa.size()) ua += sa[i].second / ta;
    if (ub <= next && ++j < sb.size()) ub += sb[j].second / tb;
  }
  return std::sqrt(w2);
}

}  // namespace drift

namespace drift {

double circular_wasserstein1(const Histogram& p, const Histogram& q) {
  check_compatible(p, q);
  if (p.total() <= 0 || q.total() <= 0) return std::numeric_limits<double>::quiet_NaN();
  const auto a = p.probabilities(), b = q.probabilities();
  const int n = p.bins();
  // Masses of the regular bins renormalised (under/overflow cannot occur on a full circle).
  double sa = 0, sb = 0;
  for (int k = 1; k <= n; ++k) sa += a[k], sb += b[k];
  if (!(sa > 0) || !(sb > 0)) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> d(n);
  double fa = 0, fb = 0;
  for (int k = 0; k < n; ++k) {
    fa += a[k + 1] / sa;
    fb += b[k + 1] / sb;
    d[k] = fa - fb;
  }
  std::vector<double> sorted = d;
  std::nth_element(sorted.begin(), sorted.begin() + n / 2, sorted.end());
  const double median = sorted[n / 2];
  double w = 0;
  for (double v : d) w += std::fabs(v - median);
  return w * (p.hi() - p.lo()) / n;
}

}  // namespace drift
