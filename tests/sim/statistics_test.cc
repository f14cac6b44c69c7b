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

}  // namespace
}  // namespace locosim
