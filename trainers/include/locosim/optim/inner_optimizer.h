// The inner optimizer a replica runs, built from its configuration: LibTorch's AdamW, or our
// Adan or Lion. Owned by the replica and kept across outer steps (never reset or averaged).
#pragma once

#include <torch/optim/optimizer.h>

#include <memory>
#include <vector>

#include "locosim/replicas/trainer_config.h"

namespace locosim::trainers {

// An optimizer of config.kind over `params`, every hyper-parameter from `config` (betas empty:
// the optimizer's defaults). Clipping and the schedule are applied by the caller.
// REQUIRES: config passed Validate.
std::unique_ptr<torch::optim::Optimizer> MakeInnerOptimizer(const InnerOptimizerConfig& config,
                                                            std::vector<torch::Tensor> params);

// Sets the learning rate of every parameter group of `optimizer`.
void SetLearningRate(torch::optim::Optimizer& optimizer, double lr);

}  // namespace locosim::trainers
