// Validation on a fixed subset: the same batches every time, chosen once, so evaluating is
// cheap and two evaluations of the same weights agree exactly.
#pragma once

#include <torch/nn/modules/container/any.h>

#include <span>
#include <vector>

#include "locosim/data/dataset.h"
#include "locosim/eval/eval_result.h"

namespace locosim::trainers {

// `count` validation batches of `batch_size` examples whose indices are spread evenly over the
// validation split (no randomness), already on `device`. REQUIRES: count, batch_size > 0.
std::vector<Batch> ValidationSubset(const Dataset& data, int count, int batch_size,
                                    torch::Device device);

// Mean loss of `model` over `batches` (each batch weighs the same), plus perplexity or accuracy
// for `task`; for kPreference the DPO terms at `dpo_beta` against each batch's
// reference_log_probs (eval_result.h). No gradients; the model is put in eval mode and back in
// train mode after.
EvalResult Evaluate(torch::nn::AnyModule& model, std::span<const Batch> batches, Task task,
                    double dpo_beta = 0);

// Sets each preference batch's reference_log_probs to `model`'s sequence log-probabilities
// (the fixed reference of evaluations). No gradients.
void SetReferenceLogProbs(torch::nn::AnyModule& model, std::span<Batch> batches);

}  // namespace locosim::trainers
