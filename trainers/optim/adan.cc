#include "locosim/optim/adan.h"

#include <torch/serialize/archive.h>
#include <torch/utils.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace locosim::trainers {
namespace {

std::string StateKey(const torch::Tensor& p) {
  return c10::guts::to_string(p.unsafeGetTensorImpl());
}

// The authors' global clip: one factor for every gradient of every group, capped at 1.
double ClipFactor(const std::vector<torch::optim::OptimizerParamGroup>& groups,
                  double max_grad_norm, double eps) {
  if (max_grad_norm <= 0) return 1.0;
  std::vector<torch::Tensor> squares;
  for (const auto& group : groups) {
    for (const auto& p : group.params()) {
      if (p.grad().defined()) squares.push_back(p.grad().pow(2).sum().to(torch::kDouble));
    }
  }
  if (squares.empty()) return 1.0;
  const double norm = std::sqrt(torch::stack(squares).sum().item<double>());
  return std::min(1.0, max_grad_norm / (norm + eps));
}

}  // namespace

AdanOptions::AdanOptions(double lr) : lr_(lr) {}

double AdanOptions::get_lr() const { return lr(); }
void AdanOptions::set_lr(double lr) { this->lr(lr); }

void AdanOptions::serialize(torch::serialize::OutputArchive& archive) const {
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(lr);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(betas);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(eps);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(weight_decay);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(no_prox);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(max_grad_norm);
}

void AdanOptions::serialize(torch::serialize::InputArchive& archive) {
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, lr);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(betas_t, betas);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, eps);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, weight_decay);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(bool, no_prox);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, max_grad_norm);
}

void AdanParamState::serialize(torch::serialize::OutputArchive& archive) const {
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(step);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(exp_avg);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(exp_avg_diff);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(exp_avg_sq);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(previous_grad);
}

void AdanParamState::serialize(torch::serialize::InputArchive& archive) {
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(int64_t, step);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, exp_avg);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, exp_avg_diff);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, exp_avg_sq);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, previous_grad);
}

Adan::Adan(std::vector<torch::optim::OptimizerParamGroup> param_groups, AdanOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<AdanOptions>(defaults)) {
  const auto [b1, b2, b3] = defaults.betas();
  TORCH_CHECK(defaults.lr() >= 0, "Adan: invalid learning rate ", defaults.lr());
  TORCH_CHECK(defaults.eps() >= 0, "Adan: invalid eps ", defaults.eps());
  TORCH_CHECK(defaults.weight_decay() >= 0, "Adan: invalid weight_decay ", defaults.weight_decay());
  for (double beta : {b1, b2, b3}) {
    TORCH_CHECK(0 <= beta && beta < 1, "Adan: every beta must be in [0, 1), got ", beta);
  }
}

torch::Tensor Adan::step(LossClosure closure) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss;
  if (closure != nullptr) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  const auto& defaults = static_cast<const AdanOptions&>(*defaults_);
  const double clip = ClipFactor(param_groups_, defaults.max_grad_norm(), defaults.eps());

  if (group_steps_.size() < param_groups_.size()) group_steps_.resize(param_groups_.size(), 0);
  for (std::size_t g = 0; g < param_groups_.size(); ++g) {
    auto& group = param_groups_[g];
    const auto k = static_cast<double>(++group_steps_[g]);
    const auto& options = static_cast<const AdanOptions&>(group.options());
    const auto [b1, b2, b3] = options.betas();
    const double lr = options.lr();
    const double decay = lr * options.weight_decay();
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      const torch::Tensor grad = clip == 1.0 ? p.grad() : p.grad() * clip;
      auto& slot = state_[StateKey(p)];
      if (!slot) {
        auto fresh = std::make_unique<AdanParamState>();
        fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        fresh->exp_avg_diff(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        fresh->previous_grad(grad.clone());  // so the first difference is 0
        slot = std::move(fresh);
      }
      auto& state = static_cast<AdanParamState&>(*slot);
      state.step(state.step() + 1);
      const double bias1 = 1 - std::pow(b1, k);
      const double bias2 = 1 - std::pow(b2, k);
      const double bias3 = 1 - std::pow(b3, k);

      torch::Tensor diff = grad - state.previous_grad();
      state.exp_avg().mul_(b1).add_(grad, 1 - b1);
      state.exp_avg_diff().mul_(b2).add_(diff, 1 - b2);
      torch::Tensor& u = diff.mul_(b2).add_(grad);  // g + beta2 * diff, reusing diff's memory
      state.exp_avg_sq().mul_(b3).addcmul_(u, u, 1 - b3);
      const torch::Tensor denom =
          (state.exp_avg_sq().sqrt() / std::sqrt(bias3)).add_(options.eps());

      if (options.no_prox()) p.mul_(1 - decay);
      p.addcdiv_(state.exp_avg(), denom, -lr / bias1);
      p.addcdiv_(state.exp_avg_diff(), denom, -lr * b2 / bias2);
      if (!options.no_prox()) p.div_(1 + decay);
      state.previous_grad().copy_(grad);
    }
  }
  return loss;
}

void Adan::restart() {
  state_.clear();
  group_steps_.assign(param_groups_.size(), 0);
}

namespace {
constexpr const char* kGroupStepsKey = "locosim_adan_group_steps";
}  // namespace

void Adan::save(torch::serialize::OutputArchive& archive) const {
  serialize(*this, archive);
  archive.write(kGroupStepsKey, torch::tensor(group_steps_, torch::kLong));
}

void Adan::load(torch::serialize::InputArchive& archive) {
  serialize(*this, archive);
  torch::Tensor steps;
  group_steps_.clear();
  if (archive.try_read(kGroupStepsKey, steps)) {
    const torch::Tensor contiguous = steps.to(torch::kLong).contiguous();
    const auto* data = contiguous.data_ptr<std::int64_t>();
    group_steps_.assign(data, data + contiguous.numel());
    return;
  }
  // Saved before the groups' counts were: the most steps any of the group's parameters took.
  for (const auto& group : param_groups_) {
    std::int64_t most = 0;
    for (const auto& p : group.params()) {
      auto found = state_.find(StateKey(p));
      if (found != state_.end())
        most = std::max(most, static_cast<const AdanParamState&>(*found->second).step());
    }
    group_steps_.push_back(most);
  }
}

}  // namespace locosim::trainers
