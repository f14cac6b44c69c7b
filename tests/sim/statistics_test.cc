// Summary statistics (sim/record/statistics.h) against reference values: numpy's
// percentile (linear interpolation) and Student's t quantiles from published tables.
#include "sim/record/statistics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace locosim {
namespace {

TEST(Statistics, PercentilesInterpolateLinearlyAsNumpyDoes) {
  // numpy.percentile([1, 2, 3, 4, 10], [50, 99]) = [3.0, 9.76]
  const Distribution d = Summarize({10, 2, 4, 1, 3});
  EXPECT_DOUBLE_EQ(d.mean, 4);
  EXPECT_DOUBLE_EQ(d.p50, 3);
  EXPECT_NEAR(d.p99, 9.76, 1e-12);
  EXPECT_DOUBLE_EQ(d.max, 10);
  EXPECT_EQ(d.count, 5);
}

TEST(Statistics, StudentTCriticalValuesMatchTheTables) {
  const struct {
    int df;
    double t975;
  } table[] = {{1, 12.7062}, {4, 2.7764},  {19, 2.0930},  {30, 2.0423},  {31, 2.0395},
               {40, 2.0211}, {60, 2.0003}, {100, 1.9840}, {1000, 1.9623}};
  for (const auto& row : table) EXPECT_NEAR(StudentT975(row.df), row.t975, 1e-4) << row.df;
}

TEST(Statistics, MeanIntervalUsesTheSampleStandardDeviation) {
  // 1..5: mean 3, s = sqrt(2.5), half-width t(4) s / sqrt(5) = 2.7764 * 0.70711 = 1.9632.
  const MeanInterval m = MeanWith95Interval({1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(m.mean, 3);
  EXPECT_NEAR(m.half_width, 1.9632, 1e-4);
  EXPECT_EQ(m.count, 5);
  EXPECT_TRUE(std::isinf(MeanWith95Interval({7}).half_width));
  EXPECT_EQ(MeanWith95Interval({}).count, 0);
}

TEST(Statistics, WelchTestSeparatesMeansOnlyBeyondTheirSpread) {
  // By hand: t = 8.85 on 3.4 (so 3) degrees of freedom, beyond 3.182.
  EXPECT_TRUE(MeansDiffer95({2.61, 2.62, 2.60}, {2.70, 2.72, 2.69}));
  // t = 4.26 on 2.6 (so 2) degrees of freedom, short of 4.303: flooring the degrees of
  // freedom is conservative.
  EXPECT_FALSE(MeansDiffer95({2.61, 2.62, 2.60}, {2.68, 2.70, 2.65}));
  // t = 0.61 on 4: within the spread.
  EXPECT_FALSE(MeansDiffer95({2.61, 2.63, 2.59}, {2.62, 2.60, 2.64}));
  EXPECT_FALSE(MeansDiffer95({2.61}, {2.70, 2.71}));  // one seed: no spread to compare with
  EXPECT_TRUE(MeansDiffer95({1, 1}, {2, 2}));         // no spread at all
  EXPECT_FALSE(MeansDiffer95({1, 1}, {1, 1}));
  EXPECT_DOUBLE_EQ(MeanWith95Interval({1, 2, 3}).std_dev, 1.0);
}

}  // namespace
}  // namespace locosim
