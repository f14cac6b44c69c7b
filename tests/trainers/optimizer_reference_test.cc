// Every inner optimizer against the reference trajectories of docs/algorithms.md ("Reference
// trajectories": theta0 = [1, -2, 0.5], gradients g1..g3 set directly), computed in float64
// with PyTorch 1.13 (SGD, AdamW) and the Adan authors' single-tensor code / the Lion
// equations. kDouble tensors, so atol 1e-6 is a real check, not float32 noise.
#include <gtest/gtest.h>
#include <torch/optim/adamw.h>
#include <torch/optim/sgd.h>

#include <array>
#include <vector>

#include "locosim/optim/adan.h"
#include "locosim/optim/lion.h"

namespace locosim::trainers {
namespace {

using Row = std::array<double, 3>;

const std::array<Row, 3> kGradients = {Row{0.5, -1, 2}, Row{0.3, 0.2, -1}, Row{-0.1, 0.4, 0.5}};

torch::Tensor Vector(const Row& row) {
  return torch::tensor({row[0], row[1], row[2]}, torch::kDouble);
}

// Runs three steps of an optimizer made by `make` from theta0 and returns theta1..theta3.
template <typename Make>
std::vector<Row> Trajectory(Make make) {
  torch::Tensor theta = Vector({1, -2, 0.5}).requires_grad_();
  auto optimizer = make(std::vector<torch::Tensor>{theta});
  std::vector<Row> out;
  for (const Row& g : kGradients) {
    theta.mutable_grad() = Vector(g);
    optimizer.step();
    auto t = theta.detach();
    out.push_back({t[0].item<double>(), t[1].item<double>(), t[2].item<double>()});
  }
  return out;
}

void ExpectTrajectory(const std::vector<Row>& actual, const std::array<Row, 3>& expected) {
  for (int step = 0; step < 3; ++step) {
    for (int i = 0; i < 3; ++i) {
      EXPECT_NEAR(actual[step][i], expected[step][i], 1e-6)
          << "theta" << step + 1 << "[" << i << "]";
    }
  }
}

TEST(OptimizerReference, TorchSgdNesterovMatchesTable) {
  ExpectTrajectory(Trajectory([](std::vector<torch::Tensor> p) {
                     return torch::optim::SGD(
                         p, torch::optim::SGDOptions(0.1).momentum(0.9).nesterov(true));
                   }),
                   {Row{.905, -1.81, .12}, Row{.8075, -1.767, .148}, Row{.76575, -1.7863, -.0118}});
}

TEST(OptimizerReference, TorchAdamWMatchesTable) {
  ExpectTrajectory(
      Trajectory([](std::vector<torch::Tensor> p) {
        return torch::optim::AdamW(p, torch::optim::AdamWOptions(0.1).weight_decay(0.01));
      }),
      {Row{.899000002, -1.898000001, .399500001}, Row{.802351987, -1.844999394, .372466797},
       Row{.739409218, -1.829730435, .338051415}});
}

TEST(OptimizerReference, AdanProximalMatchesTable) {
  ExpectTrajectory(
      Trajectory([](std::vector<torch::Tensor> p) {
        return Adan(p, AdanOptions(0.1).weight_decay(0.02));
      }),
      {Row{.898203595, -1.896207586, .399201597}, Row{.812861603, -1.907963529, .429931769},
       Row{.802508339, -1.934888815, .426437975}});
}

TEST(OptimizerReference, AdanNoProxMatchesTable) {
  ExpectTrajectory(
      Trajectory([](std::vector<torch::Tensor> p) {
        return Adan(p, AdanOptions(0.1).weight_decay(0.02).no_prox(true));
      }),
      {Row{.898000002, -1.896000001, .399000001}, Row{.812487734, -1.907779872, .429792035},
       Row{.802114511, -1.934759375, .426291534}});
}

TEST(OptimizerReference, AdanWithoutDecayMatchesTable) {
  ExpectTrajectory(
      Trajectory([](std::vector<torch::Tensor> p) { return Adan(p, AdanOptions(0.1)); }),
      {Row{.900000002, -1.900000001, .400000001}, Row{.816283734, -1.915571872, .431590035},
       Row{.807535486, -1.946366935, .428949118}});
}

TEST(OptimizerReference, LionMatchesTable) {
  ExpectTrajectory(
      Trajectory(
          [](std::vector<torch::Tensor> p) { return Lion(p, LionOptions(0.1).weight_decay(0.1)); }),
      {Row{.89, -1.88, .395}, Row{.7811, -1.9612, .49105}, Row{.873289, -2.041588, .3861395}});
}

// Clipping scales g before everything, so a clipped run equals an unclipped run on the
// pre-scaled gradients. g1 has norm sqrt(5.25) ~ 2.29; max_grad_norm 1 scales it by ~0.436.
TEST(OptimizerReference, AdanClippingEqualsPreScaledGradients) {
  const double norm = std::sqrt(0.25 + 1 + 4);
  const double eps = 1e-8;
  torch::Tensor clipped = Vector({1, -2, 0.5}).requires_grad_();
  torch::Tensor scaled = Vector({1, -2, 0.5}).requires_grad_();
  Adan a({clipped}, AdanOptions(0.1).max_grad_norm(1.0).eps(eps));
  Adan b({scaled}, AdanOptions(0.1).eps(eps));
  clipped.mutable_grad() = Vector(kGradients[0]);
  scaled.mutable_grad() = Vector(kGradients[0]) * (1.0 / (norm + eps));
  a.step();
  b.step();
  EXPECT_TRUE(torch::allclose(clipped, scaled, 0, 1e-12));
  EXPECT_TRUE(torch::equal(clipped.grad(), Vector(kGradients[0])));  // caller's grad untouched
}

// A restart forgets every moment and the step count: the next step is a fresh first step.
TEST(OptimizerReference, AdanRestartMakesNextStepAFirstStep) {
  torch::Tensor theta = Vector({1, -2, 0.5}).requires_grad_();
  Adan adan({theta}, AdanOptions(0.1).weight_decay(0.02));
  for (const Row& g : {kGradients[0], kGradients[1]}) {
    theta.mutable_grad() = Vector(g);
    adan.step();
  }
  adan.restart();
  torch::Tensor fresh = theta.detach().clone().requires_grad_();
  Adan reference({fresh}, AdanOptions(0.1).weight_decay(0.02));
  theta.mutable_grad() = Vector(kGradients[2]);
  fresh.mutable_grad() = Vector(kGradients[2]);
  adan.step();
  reference.step();
  EXPECT_TRUE(torch::equal(theta, fresh));
}

TEST(OptimizerReference, AdanCountsStepsPerGroupAsTheAuthorsCodeDoes) {
  // b has no gradient at steps 2 and 3. The authors' code (sail-sg/Adan, adan.py) advances one
  // step count per group on every call, so b's bias corrections at step 4 use k = 4; counting
  // per parameter (k = 2) would put b 1.2e-2 away. Reference: the same equations in float64
  // Python with a per-group count (theta0_a = [1, -2, 0.5], theta0_b = [0.25, 0.75]).
  torch::Tensor a = Vector({1, -2, 0.5}).requires_grad_();
  torch::Tensor b = torch::tensor({0.25, 0.75}, torch::kDouble).requires_grad_();
  Adan adan({a, b}, AdanOptions(0.1).weight_decay(0.02));
  const std::array<Row, 4> grad_a = {kGradients[0], kGradients[1], kGradients[2],
                                     Row{0.2, -0.3, 0.1}};
  for (int step = 0; step < 4; ++step) {
    a.mutable_grad() = Vector(grad_a[step]);
    if (step == 0) b.mutable_grad() = torch::tensor({1.0, -0.5}, torch::kDouble);
    if (step == 1) b.mutable_grad() = torch::Tensor();
    if (step == 3) b.mutable_grad() = torch::tensor({-0.2, 0.6}, torch::kDouble);
    adan.step();
  }
  EXPECT_EQ(adan.group_step(0), 4);
  EXPECT_NEAR(a[0].item<double>(), 0.762959369321, 1e-9);
  EXPECT_NEAR(a[1].item<double>(), -1.927035096965, 1e-9);
  EXPECT_NEAR(a[2].item<double>(), 0.426235166585, 1e-9);
  EXPECT_NEAR(b[0].item<double>(), 0.162744088796, 1e-9);
  EXPECT_NEAR(b[1].item<double>(), 0.809759919403, 1e-9);
}

TEST(OptimizerReference, ParametersWithoutGradientsAreLeftAlone) {
  torch::Tensor with_grad = Vector({1, -2, 0.5}).requires_grad_();
  torch::Tensor without = Vector({3, 3, 3}).requires_grad_();
  Lion lion({with_grad, without}, LionOptions(0.1).weight_decay(0.1));
  Adan adan({with_grad, without}, AdanOptions(0.1).weight_decay(0.1));
  with_grad.mutable_grad() = Vector(kGradients[0]);
  lion.step();
  adan.step();
  EXPECT_TRUE(torch::equal(without, Vector({3, 3, 3})));
  EXPECT_EQ(lion.state().size(), 1u);
  EXPECT_EQ(adan.state().size(), 1u);
}

}  // namespace
}  // namespace locosim::trainers
