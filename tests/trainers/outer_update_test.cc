// The outer updates of docs/algorithms.md ("Outer optimizers and methods") on hand-computed cases.
#include <gtest/gtest.h>
#include <torch/optim/sgd.h>

#include <vector>

#include "locosim/outer/averaging.h"
#include "locosim/outer/diloco.h"
#include "locosim/outer/noloco.h"

namespace locosim::trainers {
namespace {

torch::Tensor Scalar(double v) { return torch::tensor({v}, torch::kDouble); }
double Value(const torch::Tensor& t) { return t.item<double>(); }

// A replica holding one scalar parameter.
OuterWeights Replica(double theta, double phi, double momentum = 0) {
  return {{Scalar(theta)}, {Scalar(phi)}, {Scalar(momentum)}, {}};
}

TEST(DilocoOuterStep, NesterovWorkedExample) {
  // phi = 1.0, mean theta = 0.9: g = 0.1, b = g, phi = 1 - 0.7 (0.1 + 0.9 * 0.1) = 0.867.
  std::vector<OuterWeights> group = {Replica(0.8, 1.0), Replica(1.0, 1.0)};
  DilocoOuterStep(group, DilocoOuterConfig{OuterMomentum::kNesterov, 0.7, 0.9, {}});
  for (const auto& member : group) {
    EXPECT_NEAR(Value(member.phi[0]), 0.867, 1e-12);
    EXPECT_EQ(Value(member.theta[0]), Value(member.phi[0]));  // restart from phi
    EXPECT_NEAR(Value(member.momentum[0]), 0.1, 1e-12);
  }
}

TEST(DilocoOuterStep, NesterovMatchesTorchSgdOverSeveralRounds) {
  // torch.optim.SGD(nesterov=True) on phi with the outer gradient as its .grad.
  torch::Tensor reference = Scalar(1.0).requires_grad_();
  torch::optim::SGD sgd({reference}, torch::optim::SGDOptions(0.7).momentum(0.9).nesterov(true));
  OuterWeights ours = Replica(0, 1.0);
  for (double progress : {-0.1, 0.05, -0.2, 0.3}) {
    const double theta = Value(ours.phi[0]) + progress;
    ours.theta[0].fill_(theta);
    reference.mutable_grad() = Scalar(Value(reference.detach()) - theta);
    sgd.step();
    DilocoOuterStep(std::span(&ours, 1), DilocoOuterConfig{});
    EXPECT_NEAR(Value(ours.phi[0]), Value(reference.detach()), 1e-14);
  }
}

TEST(DilocoOuterStep, HeavyBallAccumulatesNegativeScaledGradient) {
  // m = 0.3 * 0.05 - 0.7 * 0.1 = -0.055; phi = 1 - 0.055 = 0.945.
  std::vector<OuterWeights> group = {Replica(0.9, 1.0, 0.05)};
  DilocoOuterStep(group, DilocoOuterConfig{OuterMomentum::kHeavyBall, 0.7, 0.3, {}});
  EXPECT_NEAR(Value(group[0].momentum[0]), -0.055, 1e-12);
  EXPECT_NEAR(Value(group[0].phi[0]), 0.945, 1e-12);
}

TEST(NolocoOuterStep, HandComputedPair) {
  // phi = (1, 0), theta = (0.8, 0.4), delta = (0.1, -0.2); alpha .5, beta .7, gamma .7.
  // mean(theta - phi) = (-0.2 + 0.4) / 2 = 0.1; mean phi = 0.5.
  // delta1 = 0.05 + 0.07 - 0.7 * 0.5 = -0.23 -> phi1 = 0.77
  // delta2 = -0.1 + 0.07 + 0.7 * 0.5 = 0.32  -> phi2 = 0.32
  std::vector<OuterWeights> group = {Replica(0.8, 1.0, 0.1), Replica(0.4, 0.0, -0.2)};
  NolocoOuterStep(group, NolocoOuterConfig{0.5, 0.7, 0.7, {}});
  EXPECT_NEAR(Value(group[0].momentum[0]), -0.23, 1e-12);
  EXPECT_NEAR(Value(group[0].phi[0]), 0.77, 1e-12);
  EXPECT_NEAR(Value(group[1].momentum[0]), 0.32, 1e-12);
  EXPECT_NEAR(Value(group[1].phi[0]), 0.32, 1e-12);
  EXPECT_EQ(Value(group[0].theta[0]), Value(group[0].phi[0]));
  EXPECT_EQ(Value(group[1].theta[0]), Value(group[1].phi[0]));
}

TEST(NolocoOuterStep, GroupOfAllEqualsDilocoHeavyBall) {
  // With every replica in the group and equal phi, the gamma term vanishes: NoLoCo(alpha, beta)
  // is DiLoCo heavy-ball with mu = alpha, lr = beta. Random float32 tensors, four rounds.
  torch::manual_seed(3);
  const int n = 4;
  const auto shape = std::vector<std::int64_t>{5, 7};
  torch::Tensor phi0 = torch::randn(shape);
  std::vector<OuterWeights> noloco, diloco;
  for (int i = 0; i < n; ++i) {
    for (auto* set : {&noloco, &diloco}) {
      set->push_back({{phi0.clone()}, {phi0.clone()}, {torch::zeros(shape)}, {}});
    }
  }
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < n; ++i) {  // the same inner progress in both runs
      const torch::Tensor step = 0.1 * torch::randn(shape);
      noloco[i].theta[0].add_(step);
      diloco[i].theta[0].add_(step);
    }
    NolocoOuterStep(noloco, NolocoOuterConfig{0.3, 0.7, 0.7, {}});
    DilocoOuterStep(diloco, DilocoOuterConfig{OuterMomentum::kHeavyBall, 0.7, 0.3, {}});
    for (int i = 0; i < n; ++i) {
      EXPECT_TRUE(torch::allclose(noloco[i].phi[0], diloco[i].phi[0], 1e-5, 1e-6));
      EXPECT_TRUE(torch::allclose(noloco[i].momentum[0], diloco[i].momentum[0], 1e-5, 1e-6));
    }
  }
}

TEST(AverageModels, EveryMemberGetsTheMeanAndMomentumIsUntouched) {
  std::vector<OuterWeights> group = {Replica(1.0, 0.0, 0.5), Replica(2.0, 0.0), Replica(6.0, 0.0)};
  AverageModels(group);
  for (const auto& member : group) {
    EXPECT_DOUBLE_EQ(Value(member.phi[0]), 3.0);
    EXPECT_DOUBLE_EQ(Value(member.theta[0]), 3.0);
  }
  EXPECT_DOUBLE_EQ(Value(group[0].momentum[0]), 0.5);
}

TEST(AverageGradients, EveryMemberGetsTheMeanGradient) {
  std::vector<std::vector<torch::Tensor>> members;
  for (double g : {1.0, 2.0, 6.0}) {
    torch::Tensor p = Scalar(0).requires_grad_();
    p.mutable_grad() = Scalar(g);
    members.push_back({p});
  }
  AverageGradients(members);
  for (const auto& params : members) EXPECT_DOUBLE_EQ(Value(params[0].grad()), 3.0);
}

}  // namespace
}  // namespace locosim::trainers
