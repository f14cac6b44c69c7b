// The forward pass of C replicas of one model at once: each parameter of the per-replica model
// stacked along a new leading dimension (row c is replica c's), each replica's batch stacked
// the same way, and one batched kernel (bmm, one embedding gather, one layer norm) per layer
// in place of C small ones. Row c of the output depends on row c of the parameters and inputs
// only. Private to trainers/.
#pragma once

#include <torch/types.h>

#include <string>
#include <vector>

#include "locosim/replicas/trainer_config.h"

namespace locosim::trainers {

// Whether `kind` has a stacked forward pass: char_transformer and mlp do; cnn does not (its
// replicas are stepped one at a time).
bool HasStackedForward(const std::string& kind);

// C replicas' parameters, each [C, ...] in the per-replica module's shape, looked up by the
// name the module gives it ("block0.qkv.weight").
class StackedParameters {
 public:
  StackedParameters(std::vector<std::string> names, std::vector<torch::Tensor> tensors);
  // Throws std::logic_error for a name the model does not have.
  const torch::Tensor& operator[](const std::string& name) const;
  std::int64_t rows() const { return tensors_.front().size(0); }

 private:
  std::vector<std::string> names_;
  std::vector<torch::Tensor> tensors_;
};

// inputs: [C, batch, ...] as each replica's model takes [batch, ...]. Returns logits
// [C, batch, ..., classes], as the replicas' own forward passes would, up to rounding.
// REQUIRES: HasStackedForward(model.kind).
torch::Tensor StackedForward(const ModelConfig& model, const StackedParameters& params,
                             const torch::Tensor& inputs);

// Each row's mean cross-entropy: logits [C, ..., classes], targets [C, ...] -> [C].
torch::Tensor StackedCrossEntropy(const torch::Tensor& logits, const torch::Tensor& targets);

}  // namespace locosim::trainers
