// Mean first-passage time into a state from replicas observed at equally spaced frames.
#include <cmath>
#include <random>

#include "drift/first_passage.hpp"
#include "test_util.hpp"

using namespace drift;

TEST(FirstPassage, CountsEntriesExitsAndFramesOfEachReplica) {
  // Replica 1: outside 3 frames, 2 entries, inside 3 frames, 1 exit; replica 2 never enters.
  // Mutations: counting exits as entries gives 8 / 1 = 8 frames, not 8 / 2 = 4; counting a
  // transition across the end of one replica into the next (one concatenated series) adds an entry.
  const std::vector<std::vector<char>> inside = {{0, 0, 1, 1, 0, 1}, {0, 0, 0, 0, 0}};
  const auto r = mean_first_passage_time(inside, 2);
  EXPECT_EQ(r.entries, 2);
  EXPECT_EQ(r.exits, 1);
  EXPECT_DOUBLE_EQ(r.outside_frames, 8);
  EXPECT_DOUBLE_EQ(r.mean_frames, 4.0);
  EXPECT_DOUBLE_EQ(r.residence_frames, 3.0);
  // Leaving out the replica with both entries leaves none: no error can be given.
  EXPECT_TRUE(std::isnan(r.standard_error_frames));
}

TEST(FirstPassage, NoEntryIsNaNNotZero) {
  // Mutation: returning 0 frames (or the run's length) when nothing entered.
  const auto r = mean_first_passage_time({{0, 0, 0}, {0, 0}});
  EXPECT_EQ(r.entries, 0);
  EXPECT_TRUE(std::isnan(r.mean_frames));
  EXPECT_TRUE(std::isnan(r.residence_frames));
}

TEST(FirstPassage, TwoStateMarkovChainWithinItsStandardError) {
  // Outside -> inside with probability a per frame: the first-passage time is geometric with
  // mean 1/a = 50 frames; inside -> outside with b: a visit lasts 1/b = 5 frames. 64 replicas of
  // 2000 frames hold ~2300 entries, so the estimate is good to ~2%. Mutations: dividing the
  // outside frames by all frames' transitions (entries + exits) gives ~25; a jackknife without the
  // (G - 1) factor gives an error ~6x too small for the 4-sigma band over 16 repetitions.
  const double a = 0.02, b = 0.2;
  int covered = 0;
  for (int rep = 0; rep < 16; ++rep) {
    std::mt19937_64 rng(1000 + rep);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<std::vector<char>> inside(64);
    for (auto& s : inside) {
      char state = u(rng) < a / (a + b);  // stationary start
      for (int t = 0; t < 2000; ++t) {
        s.push_back(state);
        state = state ? (u(rng) >= b) : (u(rng) < a);
      }
    }
    const auto r = mean_first_passage_time(inside);
    ASSERT_EQ(r.groups, 32);
    EXPECT_NEAR(r.residence_frames, 1 / b, 0.5);
    EXPECT_LT(r.standard_error_frames, 0.05 / a);
    EXPECT_GT(r.standard_error_frames, 0.005 / a);
    EXPECT_NEAR(r.mean_frames, 1 / a, 4 * r.standard_error_frames);
    covered += std::fabs(r.mean_frames - 1 / a) < 2 * r.standard_error_frames;
  }
  // About 95% of 2-sigma intervals hold the truth: at least 12 of 16 (fails at a third of the error).
  EXPECT_GE(covered, 12);
}
