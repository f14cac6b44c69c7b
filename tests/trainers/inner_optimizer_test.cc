// The pieces a replica's inner step is assembled from: global-norm clipping and the optimizer
// factory that turns an InnerOptimizerConfig into AdamW, Adan or Lion.
#include "locosim/optim/inner_optimizer.h"

#include <gtest/gtest.h>
#include <torch/optim/adamw.h>

#include "locosim/optim/adan.h"
#include "locosim/optim/clip_grad_norm.h"
#include "locosim/optim/lion.h"

namespace locosim::trainers {
namespace {

torch::Tensor WithGrad(std::vector<double> grad) {
  torch::Tensor p = torch::zeros({std::int64_t(grad.size())}, torch::kDouble).requires_grad_();
  p.mutable_grad() = torch::tensor(grad, torch::kDouble);
  return p;
}

TEST(ClipGradNorm, ScalesAllGradientsByOneFactorToTheMaximumNorm) {
  // Global norm of (3, 4) and (12): 13. Clipped to 6.5: every gradient halves.
  std::vector<torch::Tensor> params = {WithGrad({3, 4}), WithGrad({12})};
  EXPECT_DOUBLE_EQ(ClipGradNorm(params, 6.5), 13.0);
  EXPECT_NEAR(params[0].grad()[0].item<double>(), 1.5, 1e-6);
  EXPECT_NEAR(params[0].grad()[1].item<double>(), 2.0, 1e-6);
  EXPECT_NEAR(params[1].grad()[0].item<double>(), 6.0, 1e-6);
}

TEST(ClipGradNorm, LeavesGradientsWithinTheNormAlone) {
  std::vector<torch::Tensor> params = {WithGrad({3, 4}), torch::zeros({2}).requires_grad_()};
  EXPECT_DOUBLE_EQ(ClipGradNorm(params, 10), 5.0);
  EXPECT_EQ(params[0].grad()[1].item<double>(), 4.0);
  EXPECT_FALSE(params[1].grad().defined());
}

TEST(MakeInnerOptimizer, BuildsTheNamedOptimizerWithTheConfiguredOptions) {
  std::vector<torch::Tensor> params = {torch::zeros({3}).requires_grad_()};
  InnerOptimizerConfig config;
  config.kind = "adan";
  config.lr = 0.01;
  config.betas = {0.9, 0.8, 0.7};
  config.weight_decay = 0.02;
  config.adan_no_prox = true;
  auto adan = MakeInnerOptimizer(config, params);
  const auto& options = static_cast<const AdanOptions&>(adan->param_groups()[0].options());
  ASSERT_NE(dynamic_cast<Adan*>(adan.get()), nullptr);
  EXPECT_EQ(options.betas(), std::make_tuple(0.9, 0.8, 0.7));
  EXPECT_EQ(options.weight_decay(), 0.02);
  EXPECT_TRUE(options.no_prox());

  config = InnerOptimizerConfig{};
  config.kind = "lion";
  EXPECT_NE(dynamic_cast<Lion*>(MakeInnerOptimizer(config, params).get()), nullptr);
  config.kind = "adamw";
  auto adamw = MakeInnerOptimizer(config, params);
  ASSERT_NE(dynamic_cast<torch::optim::AdamW*>(adamw.get()), nullptr);
  SetLearningRate(*adamw, 0.123);
  EXPECT_EQ(adamw->param_groups()[0].options().get_lr(), 0.123);
}

}  // namespace
}  // namespace locosim::trainers
