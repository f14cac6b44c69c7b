// The inner learning-rate schedule: optional linear warm-up, then constant or a cosine decay to
// a floor (the NoLoCo paper's setup: warm-up, then cosine to lr/10). Torch-free arithmetic.
#pragma once

#include <cstdint>

#include "locosim/replicas/trainer_config.h"

namespace locosim::trainers {

// The learning rate for the step after `steps_taken` inner steps of one replica:
//   warm-up (steps_taken < warmup_steps): lr * (steps_taken + 1) / warmup_steps;
//   cosine_steps == 0: lr;
//   otherwise: min + (lr - min) * (1 + cos(pi * t)) / 2, t = (steps_taken - warmup_steps) /
//   (cosine_steps - warmup_steps) clamped to 1, min = min_lr_ratio * lr.
double ScheduledLearningRate(const InnerOptimizerConfig& config, std::int64_t steps_taken);

}  // namespace locosim::trainers
