// ReplicaSet: construction, determinism, the synchronous and outer steps as the engine calls
// them, evaluation, and the errors a caller can print.
#include "locosim/replicas/replica_set.h"

#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/types.h>

#include <vector>

#include "tiny_configs.h"

namespace locosim::trainers {
namespace {

bool SameWeights(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (!torch::equal(a[k], b[k])) return false;
  }
  return true;
}

std::vector<torch::Tensor> Snapshot(const std::vector<torch::Tensor>& weights) {
  std::vector<torch::Tensor> copy;
  for (const auto& w : weights) copy.push_back(w.detach().clone());
  return copy;
}

TEST(ReplicaSet, StartsWithIdenticalReplicasAndReportsSizes) {
  ReplicaSet set(testing::TinyCharLm(), 3);
  EXPECT_EQ(set.size(), 3);
  EXPECT_GT(set.parameter_count(), 10'000);
  EXPECT_EQ(set.parameter_bytes(), 4 * set.parameter_count());  // float32
  for (int r = 0; r < 3; ++r) {
    EXPECT_TRUE(SameWeights(set.fast_weights(r), set.fast_weights(0)));
    EXPECT_TRUE(SameWeights(set.slow_weights(r), set.fast_weights(0)));
    EXPECT_EQ(set.inner_steps(r), 0);
  }
}

TEST(ReplicaSet, SameConfigAndSeedGiveBitIdenticalRuns) {
  auto run = [] {
    ReplicaSet set(testing::TinyCharLm(), 2);
    std::vector<double> losses = {set.InnerSteps(0, 3), set.InnerSteps(1, 2)};
    const std::vector<int> all = {0, 1};
    set.NolocoOuterStep(all, NolocoOuterConfig{});
    losses.push_back(set.InnerSteps(1, 2));
    losses.push_back(set.Evaluate(1).loss);
    return std::pair(losses, Snapshot(set.fast_weights(1)));
  };
  const auto [losses_a, weights_a] = run();
  const auto [losses_b, weights_b] = run();
  EXPECT_EQ(losses_a, losses_b);  // exact
  EXPECT_TRUE(SameWeights(weights_a, weights_b));
}

TEST(ReplicaSet, ParallelInnerStepsGiveTheResultsOfOneThreadExactly) {
  // 5 replicas on 1, 2 and 3 threads, and one at a time: the same losses and weights, bit for
  // bit, for both models (the mlp's matmuls go through BLAS, the transformer's through ATen).
  for (const TrainerConfig& base : {testing::TinyCharLm(), testing::TinyMlp()}) {
    auto run = [&](int threads, bool together) {
      TrainerConfig config = base;
      config.threads = threads;
      ReplicaSet set(config, 5);
      const std::vector<int> replicas = {4, 0, 2, 1, 3}, steps = {2, 3, 1, 2, 2};
      std::vector<double> losses;
      if (together) {
        losses = set.InnerSteps(replicas, steps);
      } else {
        for (std::size_t i = 0; i < replicas.size(); ++i)
          losses.push_back(set.InnerSteps(replicas[i], steps[i]));
      }
      std::vector<torch::Tensor> weights;
      for (int r = 0; r < 5; ++r) {
        for (const auto& w : Snapshot(set.fast_weights(r))) weights.push_back(w);
      }
      return std::pair(losses, weights);
    };
    const auto [losses_1, weights_1] = run(1, false);
    for (int threads : {1, 2, 3}) {
      const auto [losses, weights] = run(threads, true);
      EXPECT_EQ(losses, losses_1) << base.model.kind << ", " << threads << " threads";
      EXPECT_TRUE(SameWeights(weights, weights_1)) << base.model.kind << ", " << threads;
    }
  }
}

TEST(ReplicaSet, ParallelDdpStepsGiveTheResultsOfOneThreadExactly) {
  auto run = [](int threads) {
    TrainerConfig config = testing::TinyCharLm();
    config.threads = threads;
    ReplicaSet set(config, 4);
    const std::vector<int> group = {3, 1, 0, 2};
    std::vector<double> losses;
    for (int step = 0; step < 3; ++step) losses.push_back(set.DdpStep(group));
    return std::pair(losses, Snapshot(set.fast_weights(2)));
  };
  const auto [losses_1, weights_1] = run(1);
  const auto [losses_3, weights_3] = run(3);
  EXPECT_EQ(losses_1, losses_3);
  EXPECT_TRUE(SameWeights(weights_1, weights_3));
}

TEST(ReplicaSet, ParallelInnerStepsRefuseRepeatedReplicasBeforeAnyWork) {
  TrainerConfig config = testing::TinyCharLm();
  config.threads = 2;
  ReplicaSet set(config, 3);
  const std::vector<int> repeated = {0, 1, 0}, steps = {1, 1, 1};
  EXPECT_THROW(set.InnerSteps(repeated, steps), TrainerError);
  EXPECT_EQ(set.inner_steps(1), 0);
  const std::vector<int> two = {0, 1};
  EXPECT_THROW(set.InnerSteps(two, steps), TrainerError);
}

TEST(ReplicaSet, ReplicasDrawTheirOwnBatches) {
  ReplicaSet set(testing::TinyCharLm(), 2);
  const double loss0 = set.InnerSteps(0, 2), loss1 = set.InnerSteps(1, 2);
  EXPECT_NE(loss0, loss1);
  EXPECT_FALSE(SameWeights(set.fast_weights(0), set.fast_weights(1)));
  EXPECT_EQ(set.inner_steps(0), 2);
}

TEST(ReplicaSet, DdpStepKeepsMembersIdenticalAndLeavesOthersAlone) {
  ReplicaSet set(testing::TinyCharLm(), 4);
  const auto initial = Snapshot(set.fast_weights(3));
  const std::vector<int> group = {0, 1, 2};
  for (int s = 0; s < 3; ++s) EXPECT_GT(set.DdpStep(group), 0);
  EXPECT_TRUE(SameWeights(set.fast_weights(0), set.fast_weights(1)));
  EXPECT_TRUE(SameWeights(set.fast_weights(0), set.fast_weights(2)));
  EXPECT_FALSE(SameWeights(set.fast_weights(0), initial));
  EXPECT_TRUE(SameWeights(set.fast_weights(3), initial));
}

TEST(ReplicaSet, DilocoOuterStepRestartsEveryMemberFromTheSameSlowWeights) {
  ReplicaSet set(testing::TinyCharLm(), 3);
  for (int r = 0; r < 3; ++r) set.InnerSteps(r, 2);
  const std::vector<int> all = {0, 1, 2};
  set.DilocoOuterStep(all, DilocoOuterConfig{});
  for (int r = 0; r < 3; ++r) {
    EXPECT_TRUE(SameWeights(set.fast_weights(r), set.slow_weights(r)));
    EXPECT_TRUE(SameWeights(set.slow_weights(r), set.slow_weights(0)));
  }
}

TEST(ReplicaSet, NolocoPairMovesOnlyItsMembers) {
  ReplicaSet set(testing::TinyCharLm(), 3);
  for (int r = 0; r < 3; ++r) set.InnerSteps(r, 2);
  const auto bystander = Snapshot(set.fast_weights(2));
  const std::vector<int> pair = {1, 0};
  set.NolocoOuterStep(pair, NolocoOuterConfig{});
  EXPECT_TRUE(SameWeights(set.fast_weights(0), set.slow_weights(0)));
  EXPECT_TRUE(SameWeights(set.fast_weights(1), set.slow_weights(1)));
  EXPECT_TRUE(SameWeights(set.fast_weights(2), bystander));
}

TEST(ReplicaSet, AverageModelsGivesMembersTheMean) {
  ReplicaSet set(testing::TinyCharLm(), 2);
  set.InnerSteps(0, 2);
  set.InnerSteps(1, 2);
  const auto a = Snapshot(set.fast_weights(0)), b = Snapshot(set.fast_weights(1));
  const std::vector<int> both = {0, 1};
  set.AverageModels(both);
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_TRUE(torch::allclose(set.fast_weights(0)[k], (a[k] + b[k]) / 2));
  }
  EXPECT_TRUE(SameWeights(set.fast_weights(0), set.fast_weights(1)));
}

TEST(ReplicaSet, EvaluationIsDeterministicAndMeanOfEqualReplicasIsTheReplica) {
  ReplicaSet set(testing::TinyCharLm(), 2);
  const EvalResult one = set.Evaluate(0);
  const std::vector<int> both = {0, 1};
  const EvalResult mean = set.EvaluateMean(both);
  EXPECT_EQ(set.Evaluate(0).loss, one.loss);
  EXPECT_NEAR(mean.loss, one.loss, 1e-6);
  ASSERT_TRUE(one.perplexity.has_value());
  EXPECT_NEAR(*one.perplexity, std::exp(one.loss), 1e-9);
  EXPECT_FALSE(one.accuracy.has_value());
  // Untrained on 256 byte ids: near-uniform predictions.
  EXPECT_NEAR(one.loss, std::log(256.0), 0.1);
}

TEST(ReplicaSet, ClassifierReportsAccuracy) {
  ReplicaSet set(testing::TinyMlp(), 1);
  const EvalResult result = set.Evaluate(0);
  ASSERT_TRUE(result.accuracy.has_value());
  EXPECT_GE(*result.accuracy, 0.0);
  EXPECT_LE(*result.accuracy, 1.0);
  EXPECT_FALSE(result.perplexity.has_value());
}

TEST(ReplicaSet, NonIidReplicaLearnsOnlyItsSlice) {
  // Non-iid Fashion-MNIST is ordered by label, so with 10 replicas replica 0 sees only
  // T-shirts: it learns to answer "T-shirt" (about 10% accuracy), while an iid replica trained
  // as long learns all classes.
  TrainerConfig config = testing::TinyMlp();
  ReplicaSet iid(config, 10);
  config.data.iid = false;
  ReplicaSet non_iid(config, 10);
  iid.InnerSteps(0, 40);
  non_iid.InnerSteps(0, 40);
  EXPECT_LT(*non_iid.Evaluate(0).accuracy, 0.2);
  EXPECT_GT(*iid.Evaluate(0).accuracy, 0.5);
}

TEST(ReplicaSet, BadConfigIsATrainerErrorNamingTheField) {
  TrainerConfig config = testing::TinyCharLm();
  config.optimizer.kind = "sgd";
  try {
    ReplicaSet set(config, 2);
    FAIL() << "expected TrainerError";
  } catch (const TrainerError& e) {
    EXPECT_NE(std::string(e.what()).find("optimizer.kind"), std::string::npos) << e.what();
  }
  config = testing::TinyCharLm();
  config.data.kind = "fashion_mnist";  // a char transformer needs text
  EXPECT_THROW(ReplicaSet(config, 1), TrainerError);
  config = testing::TinyCharLm();
  config.optimizer.betas = {0.9, 0.99, 0.999};  // adamw takes two
  EXPECT_THROW(ReplicaSet(config, 1), TrainerError);
  EXPECT_THROW(ReplicaSet(testing::TinyCharLm(), 0), TrainerError);
}

TEST(ReplicaSet, MissingDatasetIsATrainerError) {
  TrainerConfig config = testing::TinyMlp();
  config.data.path = "/nonexistent/fashion";
  EXPECT_THROW(ReplicaSet(config, 1), TrainerError);
}

TEST(ReplicaSet, CudaWithoutCudaSupportIsATrainerError) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "this LibTorch has CUDA and sees a GPU";
  TrainerConfig config = testing::TinyCharLm();
  config.device = "cuda";
  try {
    ReplicaSet set(config, 1);
    FAIL() << "expected TrainerError";
  } catch (const TrainerError& e) {
    EXPECT_NE(std::string(e.what()).find("CUDA"), std::string::npos) << e.what();
  }
}

TEST(ReplicaSet, BadGroupsAndStepCountsAreTrainerErrors) {
  ReplicaSet set(testing::TinyCharLm(), 2);
  const std::vector<int> out_of_range = {0, 2}, repeated = {1, 1}, empty;
  EXPECT_THROW(set.AverageModels(out_of_range), TrainerError);
  EXPECT_THROW(set.DdpStep(repeated), TrainerError);
  EXPECT_THROW(set.DilocoOuterStep(empty, DilocoOuterConfig{}), TrainerError);
  EXPECT_THROW(set.InnerSteps(0, 0), TrainerError);
  EXPECT_THROW(set.Evaluate(-1), TrainerError);
}

TEST(TrainerConfig, DescribeEchoesEveryResolvedField) {
  const std::string text = Describe(testing::TinyCharLm());
  for (const char* key :
       {"model.kind = char_transformer", "model.d_model = 32", "optimizer.kind = adamw",
        "batch_size = 16", "seed = 1", "device = cpu", "data.path = (default)"}) {
    EXPECT_NE(text.find(key), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace locosim::trainers
