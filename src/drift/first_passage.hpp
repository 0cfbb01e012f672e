#pragma once
// Mean first-passage time into a state, from many independent MD replicas observed at equally
// spaced frames: how long MD waits, on average, before it first enters a rare basin.
#include <cstddef>
#include <vector>

namespace drift {

struct FirstPassageTime {
  // Frames: (frames spent outside the state) / (entries into it), the rate estimator of the mean
  // first-passage time from the outside region in its stationary distribution. NaN with no entry.
  double mean_frames = 0;
  double standard_error_frames = 0;  // delete-one-group jackknife over groups of replicas; NaN below 2 groups
  double residence_frames = 0;       // frames inside per exit: the mean time a visit lasts; NaN with no exit
  long entries = 0, exits = 0;       // counted between consecutive frames of one replica
  double outside_frames = 0;
  int groups = 0;
};

// inside[m][t]: replica m is in the state at frame t. An entry is a frame outside followed by one
// inside; transitions quicker than a frame are not seen, so the estimate is of the state as the
// frames resolve it. Groups as integrated_autocorrelation_time: contiguous groups of replicas
// (default one per replica, at most 32).
FirstPassageTime mean_first_passage_time(const std::vector<std::vector<char>>& inside, int groups = 0);

}  // namespace drift
