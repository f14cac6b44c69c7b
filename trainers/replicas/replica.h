// One replica's state and the verbs of its training step: next batch, forward and backward,
// optimizer step. Private to replicas/.
#pragma once

#include <torch/nn/modules/container/any.h>
#include <torch/optim/optimizer.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "locosim/data/dataset.h"
#include "locosim/data/sample_stream.h"
#include "locosim/outer/outer_weights.h"
#include "locosim/replicas/trainer_config.h"

namespace locosim::trainers {

struct Replica {
  torch::nn::AnyModule model;
  std::vector<torch::Tensor> theta;           // model parameters: the fast weights
  std::vector<torch::Tensor> phi;             // slow weights
  std::vector<torch::Tensor> outer_momentum;  // DiLoCo's buffer or NoLoCo's delta; zeros at start
  std::vector<torch::Tensor> error_feedback;  // top-k's residual: empty until first used
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  SampleStream samples;
  std::int64_t inner_steps = 0;

  OuterWeights outer_weights() const { return {theta, phi, outer_momentum, error_feedback}; }
};

// Replica `index` of `count`: the model built after torch::manual_seed(config.seed) (so every
// replica starts from the same weights) and moved to `device`, phi = theta, zero momentum, a
// fresh optimizer, and a stream over its share of the training data. Throws TrainerError when
// a non-iid slice would be empty.
Replica MakeReplica(const TrainerConfig& config, const Dataset& data, int index, int count,
                    torch::Device device);

// The replica's next training batch, on `device`.
Batch NextBatch(Replica& replica, const Dataset& data, int batch_size, torch::Device device);

// Zeroes the gradients, runs the model on `batch` and back-propagates the cross-entropy.
// Returns the loss, detached, on the device (no host synchronisation).
torch::Tensor ForwardBackward(Replica& replica, const Batch& batch);

// Clips (if configured), sets the scheduled learning rate and steps the inner optimizer.
void OptimizerStep(Replica& replica, const InnerOptimizerConfig& config);

}  // namespace locosim::trainers
