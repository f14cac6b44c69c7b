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

// The DPO objective's state of one replica (docs/algorithms.md, "Preference optimisation"):
// the round's frozen reference and what APO's next extrapolation needs. Rounds are counted on
// the replica's own clock of training steps, which a reset to the slow weights winds back.
struct PreferenceRound {
  torch::nn::AnyModule reference;                // π_t: the weights the round started from
  std::vector<torch::Tensor> reference_weights;  // its parameters
  std::vector<torch::Tensor> previous_result;    // θ̂_t, the last round's result (α > 0 only)
  std::int64_t round = 0;                        // rounds begun after the first
  std::int64_t clock = 0;                        // training steps taken under the objective
  std::int64_t clock_at_sync = 0;                // `clock` when phi was last written
};

struct Replica {
  torch::nn::AnyModule model;
  std::vector<torch::Tensor> theta;           // model parameters: the fast weights
  std::vector<torch::Tensor> phi;             // slow weights
  std::vector<torch::Tensor> outer_momentum;  // DiLoCo's buffer or NoLoCo's delta; zeros at start
  std::vector<torch::Tensor> error_feedback;  // top-k's residual: empty until first used
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  SampleStream samples;
  std::int64_t inner_steps = 0;
  std::unique_ptr<PreferenceRound> preference;  // objective "dpo" only

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

// Zeroes the gradients, runs the model on `batch` and back-propagates the objective's loss
// (cross-entropy, or DPO's against the replica's round reference). Returns the loss, detached,
// on the device (no host synchronisation).
torch::Tensor ForwardBackward(Replica& replica, const Batch& batch,
                              const ObjectiveConfig& objective);

// Top-k's error buffers, zeros, allocated at the replica's first top-k send.
void EnsureErrorFeedback(Replica& replica);

// Clips (if configured), sets the scheduled learning rate and steps the inner optimizer.
void OptimizerStep(Replica& replica, const InnerOptimizerConfig& config);

}  // namespace locosim::trainers
