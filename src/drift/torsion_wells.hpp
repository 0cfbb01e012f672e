#pragma once
// Wells of a torsion distribution and their populations with standard errors.
//
// Wells come from the reference's density: the arcs between the minima of the circularly smoothed
// histogram, keeping a minimum only where both neighbouring peaks stand at least `min_contrast` times
// above it (weaker minima are merged away, lowest contrast first). Populations are fractions of the
// pooled angles in each well; their standard errors treat conformations of one molecule (one MD
// replica) as one cluster, since MD frames of a molecule are correlated, and independent
// conformations (generated samples, one molecule per file frame) as clusters of one.
#include <string>
#include <vector>

#include "drift/histogram.hpp"

namespace drift {

struct TorsionWells {
  std::vector<double> lower;  // degrees: well k spans [lower[k], lower[k+1]) cyclically; one well: {-180}
  std::vector<double> peak;   // degrees: the densest bin's centre in each well
  int well_of(double degrees) const;
  size_t size() const { return lower.size(); }
  std::string name(size_t k) const;  // e.g. "well at 60 deg [0, 120)"
};

TorsionWells find_wells(const Histogram& density_over_circle, double min_contrast = 1.5);

struct Population {
  double value = 0, standard_error = 0;
};

// angles: per conformation, `per` angles (degrees); cluster: per conformation, the id of its cluster;
// weights: per conformation, its importance weight (finite, >= 0; nullptr: all 1). Conformation c's
// angles share its weight: p = sum_c w_c f_c / sum_c w_c, f_c the fraction of its angles in the well.
// Standard errors by linearising the ratio estimator: for independent conformations (one cluster, or
// every cluster one conformation) SE^2 = n/(n-1) sum_c w_c^2 (f_c - p)^2 / (sum w)^2, otherwise over the
// G clusters SE^2 = G/(G-1) sum_g (sum_{c in g} w_c (f_c - p))^2 / (sum w)^2. NaN when the weights sum to 0.
// The same for conformations sorted into categories directly (category[c * per + k] in [0, count)),
// e.g. Ramachandran basins.
std::vector<Population> category_populations(const std::vector<int>& category, int per, size_t count,
                                             const std::vector<long>& cluster, const std::vector<double>* weights = nullptr);

std::vector<Population> well_populations(const std::vector<float>& angles, int per, const std::vector<long>& cluster,
                                         const TorsionWells& wells, const std::vector<double>* weights = nullptr);

}  // namespace drift
