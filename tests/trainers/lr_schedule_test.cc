// The inner learning-rate schedule: linear warm-up, then constant or cosine to a floor.
#include "locosim/optim/lr_schedule.h"

#include <gtest/gtest.h>

namespace locosim::trainers {
namespace {

TEST(ScheduledLearningRate, ConstantWithoutWarmupOrDecay) {
  InnerOptimizerConfig config;
  config.lr = 0.01;
  EXPECT_DOUBLE_EQ(ScheduledLearningRate(config, 0), 0.01);
  EXPECT_DOUBLE_EQ(ScheduledLearningRate(config, 100000), 0.01);
}

TEST(ScheduledLearningRate, WarmsUpLinearlyThenDecaysByCosineToTheFloor) {
  InnerOptimizerConfig config;
  config.lr = 1.0;
  config.warmup_steps = 4;
  config.cosine_steps = 14;
  config.min_lr_ratio = 0.1;
  EXPECT_DOUBLE_EQ(ScheduledLearningRate(config, 0), 0.25);
  EXPECT_DOUBLE_EQ(ScheduledLearningRate(config, 3), 1.0);
  EXPECT_DOUBLE_EQ(ScheduledLearningRate(config, 4), 1.0);                // decay starts
  EXPECT_NEAR(ScheduledLearningRate(config, 9), 0.1 + 0.9 * 0.5, 1e-12);  // half way
  EXPECT_NEAR(ScheduledLearningRate(config, 14), 0.1, 1e-12);
  EXPECT_NEAR(ScheduledLearningRate(config, 1000), 0.1, 1e-12);
}

}  // namespace
}  // namespace locosim::trainers
