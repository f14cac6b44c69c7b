// replica_batching "stacked" against "loop": the same scenario gives every replica the same
// losses and weights to a stated tolerance for every model with stacked kernels and every
// inner optimizer, and stacked runs are deterministic whatever the thread count or chunking.
#include <gtest/gtest.h>
#include <torch/types.h>

#include <cmath>
#include <string>
#include <vector>

#include "locosim/replicas/replica_set.h"
#include "tiny_configs.h"

namespace locosim::trainers {
namespace {

// Relative tolerance of a loss after 100 fp32 steps: batched kernels sum in another order
// than one replica's, so the two differ by rounding, which training then carries along.
constexpr double kLossTolerance = 1e-5;
constexpr double kWeightTolerance = 2e-2;

TrainerConfig WithOptimizer(TrainerConfig c, const std::string& optimizer) {
  c.optimizer.kind = optimizer;
  if (optimizer == "lion") c.optimizer.lr /= 5;
  c.optimizer.max_grad_norm = 1.0;  // per-replica clipping is part of the step compared
  c.optimizer.warmup_steps = 10;    // and so is each replica's own schedule
  c.optimizer.cosine_steps = 100;
  return c;
}

struct Trace {
  std::vector<double> losses;                       // every call's losses, replica order
  std::vector<std::vector<torch::Tensor>> weights;  // every replica's, at the end
  std::vector<double> validation_losses;            // of every replica, at the end
};

// 100 steps of 4 replicas in calls of 10 (each call gathers and writes back), replica 3 one
// step behind the others in every call so chunks of unequal step counts are exercised.
Trace Train(TrainerConfig c, const std::string& batching, int threads = 1) {
  c.replica_batching = batching;
  c.threads = threads;
  ReplicaSet set(c, 4);
  Trace trace;
  const std::vector<int> replicas = {0, 1, 2, 3};
  for (int call = 0; call < 10; ++call) {
    const std::vector<int> steps = {10, 10, 10, call % 2 ? 11 : 9};
    for (double loss : set.InnerSteps(replicas, steps)) trace.losses.push_back(loss);
  }
  for (int r = 0; r < 4; ++r) {
    std::vector<torch::Tensor> w;
    for (const auto& t : set.fast_weights(r)) w.push_back(t.detach().clone());
    trace.weights.push_back(w);
    trace.validation_losses.push_back(set.Evaluate(r).loss);
  }
  return trace;
}

double WorstRelativeDifference(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::abs(a[i] - b[i]) / std::abs(b[i]));
  return worst;
}

// ||a - b|| / ||b|| over every parameter of one replica.
double RelativeDistance(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double difference = 0, size = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    difference += (a[k] - b[k]).pow(2).sum().item<double>();
    size += b[k].pow(2).sum().item<double>();
  }
  return std::sqrt(difference / size);
}

class StackedMatchesLoop : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(StackedMatchesLoop, OnEveryReplicasLossAfterAHundredSteps) {
  const auto& [model, optimizer] = GetParam();
  const TrainerConfig base = model == "mlp" ? testing::TinyMlp() : testing::TinyCharLm();
  const TrainerConfig c = WithOptimizer(base, optimizer);
  const Trace loop = Train(c, "loop");
  const Trace stacked = Train(c, "stacked");
  ASSERT_EQ(loop.losses.size(), stacked.losses.size());
  const double worst = WorstRelativeDifference(stacked.losses, loop.losses);
  RecordProperty("worst_relative_loss_difference", std::to_string(worst));
  std::printf("%s/%s: worst relative loss difference %.3g\n", model.c_str(), optimizer.c_str(),
              worst);
  EXPECT_LT(worst, kLossTolerance);
  // The losses moved, so agreeing on them says something.
  EXPECT_LT(loop.losses.back(), 0.9 * loop.losses.front());
  // The trained models agree on held-out data too.
  EXPECT_LT(WorstRelativeDifference(stacked.validation_losses, loop.validation_losses),
            kLossTolerance);
  // And their weights agree as a whole, if less closely, because some coordinates are driven
  // by rounding alone: the attention keys' bias has an exactly zero gradient in exact
  // arithmetic (softmax ignores a constant per query), and Lion turns the noise left in its
  // place into steps of lr in either direction (AdamW and Adan into smaller ones).
  for (int r = 0; r < 4; ++r) {
    const double drift = RelativeDistance(stacked.weights[r], loop.weights[r]);
    std::printf("  replica %d: relative weight distance %.3g\n", r, drift);
    EXPECT_LT(drift, kWeightTolerance) << "replica " << r;
  }
}

INSTANTIATE_TEST_SUITE_P(ModelsAndOptimizers, StackedMatchesLoop,
                         ::testing::Combine(::testing::Values("char_transformer", "mlp"),
                                            ::testing::Values("adamw", "adan", "lion")),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" + std::get<1>(info.param);
                         });

bool BitwiseEqual(const Trace& a, const Trace& b) {
  if (a.losses != b.losses || a.validation_losses != b.validation_losses) return false;
  for (std::size_t r = 0; r < a.weights.size(); ++r) {
    for (std::size_t k = 0; k < a.weights[r].size(); ++k) {
      if (!torch::equal(a.weights[r][k], b.weights[r][k])) return false;
    }
  }
  return true;
}

// One thread steps 3 replicas as one chunk (and replica 3 alone); three threads step every
// replica in a chunk of its own. Each row's arithmetic must not depend on its neighbours.
TEST(StackedReplicas, AreBitwiseTheSameForAnyThreadCountAndChunking) {
  for (const TrainerConfig& base : {testing::TinyCharLm(), testing::TinyMlp()}) {
    const TrainerConfig c = WithOptimizer(base, "adan");
    EXPECT_TRUE(BitwiseEqual(Train(c, "stacked", 1), Train(c, "stacked", 3))) << base.model.kind;
  }
}

// The state a stacked chunk steps goes back into the replicas after every call, so a
// checkpoint taken between calls resumes exactly (Adan: four slots and the group's steps).
TEST(StackedReplicas, ResumeFromACheckpointExactly) {
  TrainerConfig c = WithOptimizer(testing::TinyCharLm(), "adan");
  c.replica_batching = "stacked";
  const std::vector<int> replicas = {0, 1, 2};
  const std::vector<int> steps = {5, 5, 4};
  const std::string path = ::testing::TempDir() + "/stacked_checkpoint.pt";
  ReplicaSet straight(c, 3);
  straight.InnerSteps(replicas, steps);
  straight.Save(path);
  const std::vector<double> expected = straight.InnerSteps(replicas, steps);
  ReplicaSet resumed(c, 3);
  resumed.Load(path);
  EXPECT_EQ(resumed.InnerSteps(replicas, steps), expected);
}

TEST(StackedReplicas, DdpStepsMatchTheLoopAndKeepMembersEqual) {
  const TrainerConfig base = WithOptimizer(testing::TinyCharLm(), "adamw");
  std::vector<double> losses[2];
  std::vector<std::vector<torch::Tensor>> weights[2];
  const std::vector<int> group = {0, 1, 2, 3};
  for (int mode = 0; mode < 2; ++mode) {
    TrainerConfig c = base;
    c.replica_batching = mode == 0 ? "loop" : "stacked";
    c.threads = 2;
    ReplicaSet set(c, 4);
    for (int step = 0; step < 30; ++step) losses[mode].push_back(set.DdpStep(group));
    for (int r = 0; r < 4; ++r) weights[mode].push_back(set.fast_weights(r));
  }
  EXPECT_LT(WorstRelativeDifference(losses[1], losses[0]), kLossTolerance);
  EXPECT_LT(losses[0].back(), 0.9 * losses[0].front());
  for (int r = 1; r < 4; ++r) {
    for (std::size_t k = 0; k < weights[1][0].size(); ++k)
      EXPECT_TRUE(torch::equal(weights[1][r][k], weights[1][0][k])) << "replica " << r;
  }
}

TEST(StackedReplicas, AreRefusedForTheCnn) {
  TrainerConfig c = testing::TinyMlp();
  c.model.kind = "cnn";
  c.replica_batching = "stacked";
  EXPECT_THROW(ReplicaSet(c, 2), TrainerError);
  c.replica_batching = "auto";  // auto falls back to the loop
  EXPECT_NO_THROW(ReplicaSet(c, 2));
}

}  // namespace
}  // namespace locosim::trainers
