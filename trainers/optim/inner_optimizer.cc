#include "locosim/optim/inner_optimizer.h"

#include <torch/optim/adamw.h>

#include <tuple>

#include "locosim/optim/adan.h"
#include "locosim/optim/lion.h"

namespace locosim::trainers {

std::unique_ptr<torch::optim::Optimizer> MakeInnerOptimizer(const InnerOptimizerConfig& config,
                                                            std::vector<torch::Tensor> params) {
  const auto& b = config.betas;
  if (config.kind == "adan") {
    auto options = AdanOptions(config.lr)
                       .eps(config.eps)
                       .weight_decay(config.weight_decay)
                       .no_prox(config.adan_no_prox);
    if (!b.empty()) options.betas(std::make_tuple(b[0], b[1], b[2]));
    return std::make_unique<Adan>(std::move(params), options);
  }
  if (config.kind == "lion") {
    auto options = LionOptions(config.lr).weight_decay(config.weight_decay);
    if (!b.empty()) options.betas(std::make_tuple(b[0], b[1]));
    return std::make_unique<Lion>(std::move(params), options);
  }
  auto options =
      torch::optim::AdamWOptions(config.lr).eps(config.eps).weight_decay(config.weight_decay);
  if (!b.empty()) options.betas(std::make_tuple(b[0], b[1]));
  return std::make_unique<torch::optim::AdamW>(std::move(params), options);
}

void SetLearningRate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

}  // namespace locosim::trainers
