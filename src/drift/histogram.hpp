#pragma once
// Fixed-width histogram with explicit underflow and overflow bins, so that probability mass
// outside the plotted range still counts in distances between distributions.
#include <vector>

namespace drift {

class Histogram {
 public:
  Histogram() = default;
  Histogram(double lo, double hi, int bins);
  void add(double value, double weight = 1.0);
  // Probabilities of [underflow, bin 0 .. bin n-1, overflow]; all zero when empty.
  std::vector<double> probabilities() const;
  // Density per unit of x over the regular bins (for plots).
  std::vector<double> density() const;
  double centre(int bin) const { return lo_ + (bin + 0.5) * width_; }
  int bins() const { return bins_; }
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  double total() const { return total_; }

 private:
  double lo_ = 0, hi_ = 1, width_ = 1;
  int bins_ = 0;
  std::vector<double> counts_;  // bins_ + 2
  double total_ = 0;
};

// Total variation distance 0.5 * sum |p - q| over all bins (incl. under/overflow): in [0, 1].
double total_variation(const Histogram& p, const Histogram& q);
// Jensen-Shannon divergence in nats: in [0, ln 2].
double jensen_shannon(const Histogram& p, const Histogram& q);
// Exact 1-D Wasserstein-2 distance between weighted empirical distributions (weights normalised per side).
double wasserstein2(std::vector<double> a, std::vector<double> wa, std::vector<double> b, std::vector<double> wb);
// Exact 1-D Wasserstein-1 distance between two empirical distributions (inputs unsorted).
double wasserstein1(std::vector<double> a, std::vector<double> b);
// The same between weighted empirical distributions: value a[i] carries weight wa[i] (finite, >= 0;
// each side's weights are normalised to sum 1), W1 = integral of |F_a - F_b|. Integer weights k give
// the distance of the samples repeated k times. NaN when a side is empty or its weights sum to 0;
// std::invalid_argument when values and weights differ in length or a weight is negative or not finite.
double wasserstein1(std::vector<double> a, std::vector<double> wa, std::vector<double> b, std::vector<double> wb);

}  // namespace drift

namespace drift {
// Wasserstein-1 distance on the circle of circumference hi - lo between two histograms of the same
// binning (under/overflow ignored: the bins must cover the whole circle), with each bin's mass at its
// centre: width * sum_k |D_k - median(D)|, D the difference of the cumulative distributions.
// In the histogram's unit (degrees for torsions).
double circular_wasserstein1(const Histogram& p, const Histogram& q);
}  // namespace drift
