// Save and load keep everything a next step depends on: optimizer moments and step counts
// (torch::save of Adan and Lion, like LibTorch's Adam), and for a whole ReplicaSet also the
// slow weights, outer momentum and data streams.
#include <gtest/gtest.h>
#include <torch/serialize.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <tuple>

#include "locosim/optim/adan.h"
#include "locosim/optim/lion.h"
#include "locosim/replicas/replica_set.h"
#include "tiny_configs.h"

namespace locosim::trainers {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("locosim_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

// Steps `theta` with `optimizer` on gradients g(t) = sin(t * theta) for t in [from, to).
template <typename Optimizer>
void Steps(Optimizer& optimizer, torch::Tensor& theta, int from, int to) {
  for (int t = from; t < to; ++t) {
    theta.mutable_grad() = torch::sin(double(t) * theta.detach());
    optimizer.step();
  }
}

template <typename Optimizer, typename Options>
void ExpectRoundTripContinuesIdentically(const Options& options) {
  const std::string path = TempPath("optimizer.pt");
  torch::Tensor theta = torch::linspace(-1, 1, 6, torch::kDouble).requires_grad_();
  Optimizer original({theta}, options);
  Steps(original, theta, 1, 4);
  torch::save(original, path);

  torch::Tensor copy = theta.detach().clone().requires_grad_();
  Optimizer restored({copy}, options);
  torch::load(restored, path);
  std::filesystem::remove(path);
  // Without the state the continuation differs, so the equality below has teeth.
  torch::Tensor fresh = theta.detach().clone().requires_grad_();
  Optimizer stateless({fresh}, options);
  Steps(original, theta, 4, 8);
  Steps(restored, copy, 4, 8);
  Steps(stateless, fresh, 4, 8);
  EXPECT_TRUE(torch::equal(theta, copy));
  EXPECT_FALSE(torch::equal(theta, fresh));
}

TEST(OptimizerSerialization, AdanStateRoundTripsThroughTorchSave) {
  ExpectRoundTripContinuesIdentically<Adan>(AdanOptions(0.05).weight_decay(0.02));
}

TEST(OptimizerSerialization, AdanGroupStepCountsRoundTripThroughTorchSave) {
  // b has no gradient for two steps, so the group's count (3) is ahead of b's own (1): the
  // loaded optimizer must continue from the group's.
  const std::string path = TempPath("adan_groups.pt");
  torch::Tensor a = torch::linspace(-1, 1, 4, torch::kDouble).requires_grad_();
  torch::Tensor b = torch::linspace(2, 3, 3, torch::kDouble).requires_grad_();
  Adan original({a, b}, AdanOptions(0.05));
  for (int t = 1; t <= 3; ++t) {
    a.mutable_grad() = torch::sin(double(t) * a.detach());
    b.mutable_grad() = t == 1 ? torch::cos(b.detach()) : torch::Tensor();
    original.step();
  }
  torch::save(original, path);
  torch::Tensor a2 = a.detach().clone().requires_grad_();
  torch::Tensor b2 = b.detach().clone().requires_grad_();
  Adan restored({a2, b2}, AdanOptions(0.05));
  torch::load(restored, path);
  std::filesystem::remove(path);
  EXPECT_EQ(restored.group_step(0), 3);
  for (auto [x, y, opt] : {std::tuple{&a, &b, &original}, std::tuple{&a2, &b2, &restored}}) {
    x->mutable_grad() = torch::sin(4.0 * x->detach());
    y->mutable_grad() = torch::cos(4.0 * y->detach());
    opt->step();
  }
  EXPECT_TRUE(torch::equal(a, a2));
  EXPECT_TRUE(torch::equal(b, b2));
}

// Options are written with the state, as LibTorch's own optimizers write theirs. Like them,
// torch::load restores the state only and keeps the options the optimizer was built with.
TEST(OptimizerSerialization, AdanOptionsSerializeAndDeserialize) {
  torch::serialize::OutputArchive out;
  AdanOptions(0.05).betas({0.9, 0.8, 0.7}).no_prox(true).max_grad_norm(2).serialize(out);
  std::ostringstream bytes;
  out.save_to(bytes);
  std::istringstream in_bytes(bytes.str());
  torch::serialize::InputArchive in;
  in.load_from(in_bytes);
  AdanOptions options(1.0);
  options.serialize(in);
  EXPECT_EQ(options.lr(), 0.05);
  EXPECT_EQ(options.betas(), std::make_tuple(0.9, 0.8, 0.7));
  EXPECT_TRUE(options.no_prox());
  EXPECT_EQ(options.max_grad_norm(), 2);
}

TEST(OptimizerSerialization, LionStateRoundTripsThroughTorchSave) {
  ExpectRoundTripContinuesIdentically<Lion>(LionOptions(0.01).weight_decay(0.1));
}

TEST(ReplicaSetCheckpoint, LoadedSetContinuesExactlyAsTheSavedOne) {
  for (const char* kind : {"adamw", "adan", "lion"}) {
    SCOPED_TRACE(kind);
    TrainerConfig config = testing::TinyCharLm();
    config.optimizer.kind = kind;
    config.optimizer.lr = 2e-3;
    config.optimizer.warmup_steps = 5;
    const std::string path = TempPath("replicas.pt");
    ReplicaSet original(config, 3);
    for (int r = 0; r < 3; ++r) original.InnerSteps(r, 3);
    const std::vector<int> pair = {0, 2};
    original.NolocoOuterStep(pair, NolocoOuterConfig{});
    original.InnerSteps(1, 2);
    original.Save(path);

    ReplicaSet restored(config, 3);
    restored.Load(path);
    std::filesystem::remove(path);
    for (int r = 0; r < 3; ++r) {
      EXPECT_EQ(restored.inner_steps(r), original.inner_steps(r));
      EXPECT_EQ(restored.InnerSteps(r, 2), original.InnerSteps(r, 2)) << "replica " << r;
    }
    original.NolocoOuterStep(pair, NolocoOuterConfig{});
    restored.NolocoOuterStep(pair, NolocoOuterConfig{});
    for (int r = 0; r < 3; ++r) {
      const auto a = original.fast_weights(r), b = restored.fast_weights(r);
      for (std::size_t k = 0; k < a.size(); ++k) EXPECT_TRUE(torch::equal(a[k], b[k]));
    }
  }
}

TEST(ReplicaSetCheckpoint, TopKErrorFeedbackBuffersAreSavedAndRestored) {
  const TrainerConfig config = testing::TinyCharLm();
  DilocoOuterConfig topk;
  topk.compression.format = WireFormat::kTopK;
  topk.compression.topk_fraction = 0.05;
  const std::vector<int> all = {0, 1};
  const std::string path = TempPath("topk.pt");
  ReplicaSet original(config, 2);
  for (int r = 0; r < 2; ++r) original.InnerSteps(r, 3);
  original.DilocoOuterStep(all, topk);  // leaves 95% of each outer gradient in the buffers
  original.Save(path);
  ReplicaSet restored(config, 2);
  restored.Load(path);
  std::filesystem::remove(path);
  for (ReplicaSet* set : {&original, &restored}) {
    for (int r = 0; r < 2; ++r) set->InnerSteps(r, 3);
    set->DilocoOuterStep(all, topk);
  }
  // A restored set without the buffers would send a different top-k and diverge here.
  for (int r = 0; r < 2; ++r) {
    const auto a = original.fast_weights(r), b = restored.fast_weights(r);
    for (std::size_t k = 0; k < a.size(); ++k) EXPECT_TRUE(torch::equal(a[k], b[k]));
  }
}

TEST(ReplicaSetCheckpoint, StreamingSyncsInFlightAreSavedAndRestored) {
  const TrainerConfig config = testing::TinyCharLm();
  const std::vector<int> fragment = {0, 1, 2};  // the first three parameter tensors
  CompressionConfig int8;
  int8.format = WireFormat::kInt8;
  const std::string path = TempPath("streaming.pt");
  ReplicaSet original(config, 2);
  for (int r = 0; r < 2; ++r) original.InnerSteps(r, 3);
  // Sync 5: both sent; replica 0 has merged, replica 1 not yet. Sync 10: only replica 0 sent.
  original.StreamingSend(0, 5, fragment, int8, 2);
  original.StreamingSend(1, 5, fragment, int8, 2);
  original.StreamingMerge(0, 5, fragment, DilocoOuterConfig{}, 0.5);
  original.InnerSteps(0, 2);
  original.StreamingSend(0, 10, fragment, int8, 2);
  original.Save(path);
  ReplicaSet restored(config, 2);
  restored.Load(path);
  std::filesystem::remove(path);
  for (ReplicaSet* set : {&original, &restored}) {
    set->StreamingMerge(1, 5, fragment, DilocoOuterConfig{}, 0.5);
    set->InnerSteps(1, 2);
    set->StreamingSend(1, 10, fragment, int8, 2);
    for (int r = 0; r < 2; ++r) set->StreamingMerge(r, 10, fragment, DilocoOuterConfig{}, 0.5);
  }
  for (int r = 0; r < 2; ++r) {
    const auto a = original.fast_weights(r), b = restored.fast_weights(r);
    for (std::size_t k = 0; k < a.size(); ++k) EXPECT_TRUE(torch::equal(a[k], b[k])) << r << k;
  }
  // Merging before every replica has sent is a bug in the caller, said as such.
  ReplicaSet early(config, 2);
  early.StreamingSend(0, 5, fragment, int8, 2);
  EXPECT_THROW(early.StreamingMerge(0, 5, fragment, DilocoOuterConfig{}, 0.5), TrainerError);
}

TEST(ReplicaSetCheckpoint, CheckpointOfAnotherSetIsRejected) {
  const std::string path = TempPath("two.pt");
  ReplicaSet(testing::TinyCharLm(), 2).Save(path);
  ReplicaSet three(testing::TinyCharLm(), 3);
  EXPECT_THROW(three.Load(path), TrainerError);
  std::filesystem::remove(path);
  EXPECT_THROW(three.Load(TempPath("missing.pt")), TrainerError);
}

}  // namespace
}  // namespace locosim::trainers
