#include "locosim/optim/stacked_inner_optimizer.h"

#include <torch/optim/adamw.h>
#include <torch/utils.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "locosim/optim/adan.h"
#include "locosim/optim/lion.h"

namespace locosim::trainers {
namespace {

std::string StackedStateKey(const torch::Tensor& p) {
  return c10::guts::to_string(p.unsafeGetTensorImpl());
}

// The state tensors each optimizer keeps per parameter, in a fixed order.
std::vector<torch::Tensor*> SlotsOf(const std::string& kind, torch::optim::OptimizerParamState& s) {
  if (kind == "adan") {
    auto& a = static_cast<AdanParamState&>(s);
    return {&a.exp_avg(), &a.exp_avg_diff(), &a.exp_avg_sq(), &a.previous_grad()};
  }
  if (kind == "lion") return {&static_cast<LionParamState&>(s).exp_avg()};
  auto& w = static_cast<torch::optim::AdamWParamState&>(s);
  return {&w.exp_avg(), &w.exp_avg_sq()};
}

std::size_t SlotCount(const std::string& kind) {
  return kind == "adan" ? 4 : kind == "lion" ? 1 : 2;
}

std::unique_ptr<torch::optim::OptimizerParamState> FreshState(const std::string& kind) {
  if (kind == "adan") return std::make_unique<AdanParamState>();
  if (kind == "lion") return std::make_unique<LionParamState>();
  return std::make_unique<torch::optim::AdamWParamState>();
}

// One value per row, as a tensor of the parameters' type and device, made once per step and
// viewed per parameter (Along) so that it broadcasts against [C, ...].
class PerRow {
 public:
  PerRow(const std::vector<double>& values, const torch::Tensor& like) {
    std::vector<float> narrowed(values.begin(), values.end());
    flat_ = torch::tensor(narrowed, torch::kFloat).to(like.device(), like.scalar_type());
  }
  torch::Tensor Along(const torch::Tensor& p) const {
    std::vector<std::int64_t> shape(static_cast<std::size_t>(p.dim()), 1);
    shape[0] = flat_.size(0);
    return flat_.view(shape);
  }

 private:
  torch::Tensor flat_;
};

template <typename F>
std::vector<double> Map(std::size_t rows, F f) {
  std::vector<double> out(rows);
  for (std::size_t c = 0; c < rows; ++c) out[c] = f(c);
  return out;
}

}  // namespace

StackedInnerOptimizer::StackedInnerOptimizer(const InnerOptimizerConfig& config,
                                             std::vector<torch::optim::Optimizer*> optimizers,
                                             std::vector<std::vector<torch::Tensor>> parameters)
    : config_(config), optimizers_(std::move(optimizers)), parameters_(std::move(parameters)) {
  torch::NoGradGuard no_grad;
  const std::size_t rows = optimizers_.size(), count = parameters_.front().size();
  slots_.assign(SlotCount(config.kind), std::vector<torch::Tensor>(count));
  fresh_.assign(count, std::vector<bool>(rows, false));
  row_steps_.assign(rows, 0);
  std::vector<std::vector<torch::Tensor>> columns(slots_.size(), std::vector<torch::Tensor>(rows));
  for (std::size_t k = 0; k < count; ++k) {
    for (std::size_t c = 0; c < rows; ++c) {
      const torch::Tensor& p = parameters_[c][k];
      auto& state = optimizers_[c]->state();
      const auto found = state.find(StackedStateKey(p));
      if (found == state.end()) {
        fresh_[k][c] = true;
        for (auto& column : columns) column[c] = torch::zeros_like(p);
        continue;
      }
      const std::vector<torch::Tensor*> slots = SlotsOf(config.kind, *found->second);
      for (std::size_t j = 0; j < slots.size(); ++j) columns[j][c] = *slots[j];
      if (config.kind == "adamw") {
        const auto step = static_cast<torch::optim::AdamWParamState&>(*found->second).step();
        if (k > 0 && step != row_steps_[c]) {
          throw std::logic_error(
              "stacked AdamW needs every parameter of a replica to have "
              "taken the same number of steps");
        }
        row_steps_[c] = step;
      }
    }
    for (std::size_t j = 0; j < slots_.size(); ++j) slots_[j][k] = torch::stack(columns[j]);
  }
  if (config.kind == "adan") {
    for (std::size_t c = 0; c < rows; ++c)
      row_steps_[c] = static_cast<const Adan&>(*optimizers_[c]).group_step(0);
  }
}

void StackedInnerOptimizer::Step(const std::vector<torch::Tensor>& stacked,
                                 const std::vector<double>& lrs) {
  torch::NoGradGuard no_grad;
  for (auto& steps : row_steps_) ++steps;
  ++steps_taken_;
  if (config_.kind == "adan") return StepAdan(stacked, lrs);
  if (config_.kind == "lion") return StepLion(stacked, lrs);
  StepAdamW(stacked, lrs);
}

// LibTorch's AdamW, per row: decoupled decay, moments, bias-corrected step.
void StackedInnerOptimizer::StepAdamW(const std::vector<torch::Tensor>& stacked,
                                      const std::vector<double>& lrs) {
  const double b1 = config_.betas.empty() ? 0.9 : config_.betas[0];
  const double b2 = config_.betas.empty() ? 0.999 : config_.betas[1];
  const std::size_t rows = lrs.size();
  const PerRow decay(Map(rows, [&](std::size_t c) { return 1 - lrs[c] * config_.weight_decay; }),
                     stacked.front());
  const PerRow root_bias2(
      Map(rows, [&](std::size_t c) { return std::sqrt(1 - std::pow(b2, double(row_steps_[c]))); }),
      stacked.front());
  const PerRow step_size(
      Map(rows, [&](std::size_t c) { return -lrs[c] / (1 - std::pow(b1, double(row_steps_[c]))); }),
      stacked.front());
  for (std::size_t k = 0; k < stacked.size(); ++k) {
    const torch::Tensor& p = stacked[k];
    const torch::Tensor& grad = p.grad();
    torch::Tensor& m = slots_[0][k];
    torch::Tensor& v = slots_[1][k];
    if (config_.weight_decay != 0) p.mul_(decay.Along(p));
    m.mul_(b1).add_(grad, 1 - b1);
    v.mul_(b2).addcmul_(grad, grad, 1 - b2);
    const torch::Tensor denom = (v.sqrt() / root_bias2.Along(p)).add_(config_.eps);
    p.addcmul_(m / denom, step_size.Along(p));
  }
}

// Adan as trainers/optim/adan.cc, per row (one group: the row's step count is the group's).
void StackedInnerOptimizer::StepAdan(const std::vector<torch::Tensor>& stacked,
                                     const std::vector<double>& lrs) {
  const bool defaults = config_.betas.empty();
  const double b1 = defaults ? 0.98 : config_.betas[0];
  const double b2 = defaults ? 0.92 : config_.betas[1];
  const double b3 = defaults ? 0.99 : config_.betas[2];
  const std::size_t rows = lrs.size();
  const auto bias = [&](double beta, std::size_t c) {
    return 1 - std::pow(beta, double(row_steps_[c]));
  };
  const auto decay = Map(rows, [&](std::size_t c) { return lrs[c] * config_.weight_decay; });
  const PerRow shrink(Map(rows, [&](std::size_t c) { return 1 - decay[c]; }), stacked.front());
  const PerRow proximal(Map(rows, [&](std::size_t c) { return 1 + decay[c]; }), stacked.front());
  const PerRow root_bias3(Map(rows, [&](std::size_t c) { return std::sqrt(bias(b3, c)); }),
                          stacked.front());
  const PerRow step_m(Map(rows, [&](std::size_t c) { return -lrs[c] / bias(b1, c); }),
                      stacked.front());
  const PerRow step_d(Map(rows, [&](std::size_t c) { return -lrs[c] * b2 / bias(b2, c); }),
                      stacked.front());
  for (std::size_t k = 0; k < stacked.size(); ++k) {
    const torch::Tensor& p = stacked[k];
    const torch::Tensor& grad = p.grad();
    torch::Tensor& m = slots_[0][k];
    torch::Tensor& d = slots_[1][k];
    torch::Tensor& n = slots_[2][k];
    torch::Tensor& previous = slots_[3][k];
    for (std::size_t c = 0; c < rows; ++c) {
      if (!fresh_[k][c]) continue;
      previous[static_cast<std::int64_t>(c)].copy_(grad[static_cast<std::int64_t>(c)]);
      fresh_[k][c] = false;  // the first difference is 0, as the official code has it
    }
    torch::Tensor diff = grad - previous;
    m.mul_(b1).add_(grad, 1 - b1);
    d.mul_(b2).add_(diff, 1 - b2);
    torch::Tensor& u = diff.mul_(b2).add_(grad);
    n.mul_(b3).addcmul_(u, u, 1 - b3);
    const torch::Tensor denom = (n.sqrt() / root_bias3.Along(p)).add_(config_.eps);
    if (config_.adan_no_prox) p.mul_(shrink.Along(p));
    p.addcmul_(m / denom, step_m.Along(p));
    p.addcmul_(d / denom, step_d.Along(p));
    if (!config_.adan_no_prox) p.div_(proximal.Along(p));
    previous.copy_(grad);
  }
}

// Lion as trainers/optim/lion.cc, per row.
void StackedInnerOptimizer::StepLion(const std::vector<torch::Tensor>& stacked,
                                     const std::vector<double>& lrs) {
  const double b1 = config_.betas.empty() ? 0.9 : config_.betas[0];
  const double b2 = config_.betas.empty() ? 0.99 : config_.betas[1];
  const std::size_t rows = lrs.size();
  const PerRow decay(Map(rows, [&](std::size_t c) { return 1 - lrs[c] * config_.weight_decay; }),
                     stacked.front());
  const PerRow step(Map(rows, [&](std::size_t c) { return -lrs[c]; }), stacked.front());
  for (std::size_t k = 0; k < stacked.size(); ++k) {
    const torch::Tensor& p = stacked[k];
    const torch::Tensor& grad = p.grad();
    torch::Tensor& m = slots_[0][k];
    p.mul_(decay.Along(p));
    p.addcmul_((m * b1).add_(grad, 1 - b1).sign_(), step.Along(p));
    m.mul_(b2).add_(grad, 1 - b2);
  }
}

void StackedInnerOptimizer::WriteBack() const {
  torch::NoGradGuard no_grad;
  if (steps_taken_ == 0) return;
  for (std::size_t c = 0; c < optimizers_.size(); ++c) {
    auto& state = optimizers_[c]->state();
    const auto row = static_cast<std::int64_t>(c);
    for (std::size_t k = 0; k < parameters_[c].size(); ++k) {
      auto& entry = state[StackedStateKey(parameters_[c][k])];
      if (!entry) {
        entry = FreshState(config_.kind);
        const std::vector<torch::Tensor*> slots = SlotsOf(config_.kind, *entry);
        for (std::size_t j = 0; j < slots.size(); ++j) *slots[j] = slots_[j][k][row].clone();
      } else {
        const std::vector<torch::Tensor*> slots = SlotsOf(config_.kind, *entry);
        for (std::size_t j = 0; j < slots.size(); ++j) slots[j]->copy_(slots_[j][k][row]);
      }
      if (config_.kind == "adamw") {
        static_cast<torch::optim::AdamWParamState&>(*entry).step(row_steps_[c]);
      } else if (config_.kind == "adan") {
        auto& adan = static_cast<AdanParamState&>(*entry);
        adan.step(adan.step() + steps_taken_);
      }
    }
    if (config_.kind == "adan")
      static_cast<Adan&>(*optimizers_[c]).set_group_step(0, row_steps_[c]);
  }
}

}  // namespace locosim::trainers
