#include "locosim/optim/lion.h"

#include <torch/serialize/archive.h>
#include <torch/utils.h>

#include <string>

namespace locosim::trainers {

LionOptions::LionOptions(double lr) : lr_(lr) {}

double LionOptions::get_lr() const { return lr(); }
void LionOptions::set_lr(double lr) { this->lr(lr); }

void LionOptions::serialize(torch::serialize::OutputArchive& archive) const {
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(lr);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(betas);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(weight_decay);
}

void LionOptions::serialize(torch::serialize::InputArchive& archive) {
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, lr);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(betas_t, betas);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, weight_decay);
}

void LionParamState::serialize(torch::serialize::OutputArchive& archive) const {
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(exp_avg);
}

void LionParamState::serialize(torch::serialize::InputArchive& archive) {
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, exp_avg);
}

Lion::Lion(std::vector<torch::optim::OptimizerParamGroup> param_groups, LionOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<LionOptions>(defaults)) {
  const auto [b1, b2] = defaults.betas();
  TORCH_CHECK(defaults.lr() >= 0, "Lion: invalid learning rate ", defaults.lr());
  TORCH_CHECK(defaults.weight_decay() >= 0, "Lion: invalid weight_decay ", defaults.weight_decay());
  for (double beta : {b1, b2}) {
    TORCH_CHECK(0 <= beta && beta < 1, "Lion: every beta must be in [0, 1), got ", beta);
  }
}

torch::Tensor Lion::step(LossClosure closure) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss;
  if (closure != nullptr) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const LionOptions&>(group.options());
    const auto [b1, b2] = options.betas();
    const double lr = options.lr();
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      const torch::Tensor& grad = p.grad();
      auto& slot = state_[c10::guts::to_string(p.unsafeGetTensorImpl())];
      if (!slot) {
        auto fresh = std::make_unique<LionParamState>();
        fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        slot = std::move(fresh);
      }
      torch::Tensor& m = static_cast<LionParamState&>(*slot).exp_avg();
      p.mul_(1 - lr * options.weight_decay());
      p.add_((m * b1).add_(grad, 1 - b1).sign_(), -lr);  // sign(0) = 0: no move
      m.mul_(b2).add_(grad, 1 - b2);
    }
  }
  return loss;
}

void Lion::save(torch::serialize::OutputArchive& archive) const { serialize(*this, archive); }

void Lion::load(torch::serialize::InputArchive& archive) { serialize(*this, archive); }

}  // namespace locosim::trainers
