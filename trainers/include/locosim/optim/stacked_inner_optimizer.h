// The inner optimizers of C replicas stepped as one. Their state (AdamW's moments, Adan's four
// buffers, Lion's momentum, the step counts) is gathered from each replica's own optimizer
// into [C, ...] tensors, stepped elementwise with the same maths as AdamW, Adan and Lion
// (each row with its own learning rate and bias corrections), and written back, so that the
// per-replica optimizers stay the state that checkpoints save and other steps use.
//
//   StackedInnerOptimizer stacked(config, optimizers, parameters);  // gathers
//   for (...) { /* backward fills stacked_params[k].grad() */ stacked.Step(stacked_params, lrs); }
//   stacked.WriteBack();
#pragma once

#include <torch/optim/optimizer.h>

#include <cstdint>
#include <vector>

#include "locosim/replicas/trainer_config.h"

namespace locosim::trainers {

class StackedInnerOptimizer {
 public:
  // optimizers[c] is row c's optimizer, built by MakeInnerOptimizer(config, parameters[c]);
  // parameters[c][k] is the tensor its state is keyed by, of the shape of stacked row k.
  // Rows without state yet (no step taken) start as a fresh optimizer would.
  StackedInnerOptimizer(const InnerOptimizerConfig& config,
                        std::vector<torch::optim::Optimizer*> optimizers,
                        std::vector<std::vector<torch::Tensor>> parameters);

  // One step of every row: stacked[k] is [C, ...] with its gradient defined; lrs[c] is row c's
  // learning rate for this step. Clipping is the caller's (ClipGradNormPerRow).
  void Step(const std::vector<torch::Tensor>& stacked, const std::vector<double>& lrs);

  // The stepped state back into each row's optimizer, creating the entries it lacked.
  void WriteBack() const;

 private:
  void StepAdamW(const std::vector<torch::Tensor>& stacked, const std::vector<double>& lrs);
  void StepAdan(const std::vector<torch::Tensor>& stacked, const std::vector<double>& lrs);
  void StepLion(const std::vector<torch::Tensor>& stacked, const std::vector<double>& lrs);

  InnerOptimizerConfig config_;
  std::vector<torch::optim::Optimizer*> optimizers_;
  std::vector<std::vector<torch::Tensor>> parameters_;  // [row][k]
  std::vector<std::vector<torch::Tensor>> slots_;       // [slot][k], each [C, ...]
  std::vector<std::int64_t> row_steps_;                 // bias-correction step count of each row
  std::vector<std::vector<bool>> fresh_;  // [k][row]: no state yet (Adan: previous grad = grad)
  std::int64_t steps_taken_ = 0;          // Step calls since the gather
};

}  // namespace locosim::trainers
