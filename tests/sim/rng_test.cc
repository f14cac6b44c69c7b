#include "sim/core/rng.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

namespace locosim {
namespace {

TEST(Rng, SameSeedAndPurposeGiveTheSameStream) {
  Rng a = Rng::Stream(42, "jitter", 3);
  Rng b = Rng::Stream(42, "jitter", 3);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.bits(), b.bits());
}

TEST(Rng, PurposesAndIndicesGiveDifferentStreams) {
  EXPECT_NE(Rng::Stream(42, "jitter", 3).bits(), Rng::Stream(42, "groups", 3).bits());
  EXPECT_NE(Rng::Stream(42, "jitter", 3).bits(), Rng::Stream(42, "jitter", 4).bits());
  EXPECT_NE(Rng::Stream(42, "jitter", 3).bits(), Rng::Stream(43, "jitter", 3).bits());
}

TEST(Rng, PermutationHoldsEveryIndexOnce) {
  Rng rng(7);
  std::vector<int> p = rng.permutation(1000);
  std::sort(p.begin(), p.end());
  std::vector<int> expected(1000);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(p, expected);
}

TEST(Rng, NormalHasUnitMomentsAndUniformStaysInRange) {
  Rng rng(11);
  double sum = 0, sum_sq = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double x = rng.normal();
    sum += x;
    sum_sq += x * x;
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum_sq / n, 1.0, 0.01);
}

TEST(Rng, BelowIsUniformOverSmallRanges) {
  Rng rng(3);
  std::vector<int> counts(6, 0);
  for (int i = 0; i < 60000; ++i) ++counts[rng.below(6)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);
}

}  // namespace
}  // namespace locosim
