#include "locosim/optim/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace locosim::trainers {

double ScheduledLearningRate(const InnerOptimizerConfig& config, std::int64_t steps_taken) {
  const auto step = static_cast<double>(steps_taken);
  if (steps_taken < config.warmup_steps) return config.lr * (step + 1) / config.warmup_steps;
  if (config.cosine_steps <= 0) return config.lr;
  const double floor = config.min_lr_ratio * config.lr;
  const double span = std::max(1, config.cosine_steps - config.warmup_steps);
  const double t = std::min(1.0, (step - config.warmup_steps) / span);
  return floor + (config.lr - floor) * 0.5 * (1 + std::cos(std::numbers::pi * t));
}

}  // namespace locosim::trainers
