// Adan: adaptive Nesterov momentum (Xie et al. 2022), as a torch::optim::Optimizer that
// matches the authors' single-tensor implementation step for step (docs/algorithms.md, "Adan").
// The betas are the code's, i.e. 1 - the paper's. As there, the step count of the bias
// corrections is one per parameter group, advanced by every step() call, so that a parameter
// that had no gradient for some steps does not fall behind. Per-parameter state (m, d, n,
// previous gradient) and the groups' step counts are saved and loaded by torch::save /
// torch::load like LibTorch's Adam.
//
//   locosim::trainers::Adan adan(model->parameters(),
//                                locosim::trainers::AdanOptions(1e-3).weight_decay(0.02));
#pragma once

#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <torch/optim/serialize.h>

#include <cstdint>
#include <tuple>
#include <utility>
#include <vector>

namespace locosim::trainers {

struct AdanOptions : public torch::optim::OptimizerCloneableOptions<AdanOptions> {
  AdanOptions(double lr = 1e-3);  // NOLINT: implicit like torch's options
  using betas_t = std::tuple<double, double, double>;
  TORCH_ARG(double, lr) = 1e-3;
  TORCH_ARG(betas_t, betas) = std::make_tuple(0.98, 0.92, 0.99);
  TORCH_ARG(double, eps) = 1e-8;
  TORCH_ARG(double, weight_decay) = 0;
  // false: proximal decay, theta /= 1 + lr*wd after the step; true: theta *= 1 - lr*wd before.
  TORCH_ARG(bool, no_prox) = false;
  // > 0: use gradients scaled by min(1, max_grad_norm / (global norm + eps)); .grad itself is
  // left as it is.
  TORCH_ARG(double, max_grad_norm) = 0;

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
  double get_lr() const override;
  void set_lr(double lr) override;
};

struct AdanParamState : public torch::optim::OptimizerCloneableParamState<AdanParamState> {
  TORCH_ARG(int64_t, step) = 0;            // steps this parameter took (not the bias count)
  TORCH_ARG(torch::Tensor, exp_avg);       // m: EMA of gradients
  TORCH_ARG(torch::Tensor, exp_avg_diff);  // d: EMA of gradient differences
  TORCH_ARG(torch::Tensor, exp_avg_sq);    // n: EMA of (g + beta2 * diff)^2
  TORCH_ARG(torch::Tensor, previous_grad);

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
};

class Adan : public torch::optim::Optimizer {
 public:
  explicit Adan(std::vector<torch::optim::OptimizerParamGroup> param_groups,
                AdanOptions defaults = {});
  explicit Adan(std::vector<torch::Tensor> params, AdanOptions defaults = {})
      : Adan({torch::optim::OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

  // One step on every parameter with a gradient. Parameters without one are skipped, but
  // their group's step count advances.
  torch::Tensor step(LossClosure closure = nullptr) override;
  // The step count of group `g`'s bias corrections.
  std::int64_t group_step(std::size_t g) const {
    return g < group_steps_.size() ? group_steps_[g] : 0;
  }
  // Sets it, for an optimizer stepped elsewhere on its behalf (StackedInnerOptimizer).
  void set_group_step(std::size_t g, std::int64_t steps) {
    if (group_steps_.size() <= g) group_steps_.resize(g + 1, 0);
    group_steps_[g] = steps;
  }
  // Forgets all moments and step counts, as the authors' restart_opt() does.
  void restart();

  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

 private:
  std::vector<std::int64_t> group_steps_;  // per parameter group, as the authors' group['step']

  template <typename Self, typename Archive>
  static void serialize(Self& self, Archive& archive) {
    torch::optim::serialize<AdanParamState, AdanOptions>(archive, self);
  }
};

}  // namespace locosim::trainers
