// Lion: evolved sign momentum (Chen et al. 2023; docs/algorithms.md, "Lion") as a
// torch::optim::Optimizer. Every coordinate moves by exactly lr (or 0) plus decoupled decay,
// which keeps weights inside the box |x| <= 1/wd when lr * wd <= 1. Use an lr 3-10x smaller
// than AdamW's. Per-parameter state (the momentum) saves and loads with torch::save.
//
//   locosim::trainers::Lion lion(model->parameters(),
//                                locosim::trainers::LionOptions(1e-4).weight_decay(0.1));
#pragma once

#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <torch/optim/serialize.h>

#include <tuple>
#include <utility>
#include <vector>

namespace locosim::trainers {

struct LionOptions : public torch::optim::OptimizerCloneableOptions<LionOptions> {
  LionOptions(double lr = 1e-4);  // NOLINT: implicit like torch's options
  using betas_t = std::tuple<double, double>;
  TORCH_ARG(double, lr) = 1e-4;
  // beta1 interpolates the update direction, beta2 the momentum kept for the next step.
  TORCH_ARG(betas_t, betas) = std::make_tuple(0.9, 0.99);
  TORCH_ARG(double, weight_decay) = 0;

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
  double get_lr() const override;
  void set_lr(double lr) override;
};

struct LionParamState : public torch::optim::OptimizerCloneableParamState<LionParamState> {
  TORCH_ARG(torch::Tensor, exp_avg);  // m

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
};

class Lion : public torch::optim::Optimizer {
 public:
  explicit Lion(std::vector<torch::optim::OptimizerParamGroup> param_groups,
                LionOptions defaults = {});
  explicit Lion(std::vector<torch::Tensor> params, LionOptions defaults = {})
      : Lion({torch::optim::OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

  // theta *= 1 - lr*wd; theta -= lr * sign(beta1 m + (1-beta1) g); m = beta2 m + (1-beta2) g.
  torch::Tensor step(LossClosure closure = nullptr) override;

  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

 private:
  template <typename Self, typename Archive>
  static void serialize(Self& self, Archive& archive) {
    torch::optim::serialize<LionParamState, LionOptions>(archive, self);
  }
};

}  // namespace locosim::trainers
