// A replica set sharded over ranks (locosim/distributed/rank_group.h) gives every rank the
// results of one process, bit for bit: the ranks here are threads of this test, meeting over
// 127.0.0.1 through c10d's TCPStore and ProcessGroupGloo as separate processes would.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include <unistd.h>

#include "locosim/distributed/rank_group.h"
#include "locosim/replicas/replica_set.h"
#include "tiny_configs.h"

namespace locosim::trainers {
namespace {

// A port for each rendezvous of this process, spread by pid so that tests run side by side
// (ctest -j) do not meet each other's ranks.
int NextPort() {
  static std::atomic<int> next{0};
  return 20000 + static_cast<int>(::getpid() % 2000) * 16 + next++ % 16;
}

// Runs body(group) on `world` ranks, one thread each, and rethrows the first failure.
void OnRanks(int world, const std::function<void(std::shared_ptr<RankGroup>)>& body) {
  const int port = NextPort();
  std::vector<std::thread> threads;
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(world));
  for (int rank = 0; rank < world; ++rank) {
    threads.emplace_back([&, rank] {
      try {
        RankSpec spec;
        spec.rank = rank;
        spec.world_size = world;
        spec.port = port;
        spec.timeout_s = 60;
        body(RankGroup::Join(spec));
      } catch (...) {
        errors[static_cast<std::size_t>(rank)] = std::current_exception();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

std::mutex& BuildLock() {
  static std::mutex lock;
  return lock;
}

// What the script below observed: every loss and metric it returned, then each held
// replica's final theta and phi (every replica in one process).
struct Observed {
  std::vector<double> values;
  std::vector<std::vector<torch::Tensor>> weights;  // by replica; empty where not held
};

// Every kind of group: all replicas, pairs within a rank and across ranks, a DDP step,
// Streaming DiLoCo's send and merge of a fragment, replica failures (a rejoining replica
// copying a peer within its rank and across ranks, a reset to phi), an evaluation of a
// replica another rank holds. The inner steps and the outer step after the failures read the
// copied optimizer state, step counts, momentum and error feedback.
Observed Script(ReplicaSet& set, const DilocoOuterConfig& diloco) {
  Observed seen;
  const std::vector<int> all{0, 1, 2, 3, 4};
  const auto record = [&](const std::vector<double>& v) {
    seen.values.insert(seen.values.end(), v.begin(), v.end());
  };
  record(set.InnerSteps(all, std::vector<int>{3, 2, 3, 1, 2}));
  set.DilocoOuterStep(all, diloco);
  record(set.InnerSteps(std::vector<int>{4, 1}, std::vector<int>{2, 2}));
  set.NolocoOuterStep(std::vector<int>{1, 4}, NolocoOuterConfig{});  // across ranks
  set.NolocoOuterStep(std::vector<int>{0, 2}, NolocoOuterConfig{});  // within rank 0
  set.AverageModels(std::vector<int>{3, 0});
  seen.values.push_back(set.DdpStep(all));
  seen.values.push_back(set.DdpStep(std::vector<int>{3, 4}));  // rank 0 holds neither
  const std::vector<int> fragment{0, 2};
  for (int r : all) set.StreamingSend(r, 7, fragment, diloco.compression, 5);
  record(set.InnerSteps(all, std::vector<int>{1, 2, 1, 2, 1}));
  for (int r : all) set.StreamingMerge(r, 7, fragment, diloco, 0.5);
  set.CopyReplicaState(4, 0);  // across ranks
  set.CopyReplicaState(1, 0);  // within rank 0
  set.CopyReplicaState(3, 2);  // across two ranks, within the second of three
  set.ResetToSlowWeights(2);
  record(set.InnerSteps(std::vector<int>{4, 1, 3, 2}, std::vector<int>{2, 2, 2, 2}));
  set.DilocoOuterStep(all, diloco);  // reads the copied momentum (and top-k's error feedback)
  const EvalResult eval = set.EvaluateWeights(set.FastWeightsOnRoot(4));
  seen.values.push_back(eval.loss);
  seen.values.push_back(eval.perplexity.value_or(-1));
  for (int r = 0; r < set.size(); ++r) {
    std::vector<torch::Tensor> w;
    if (set.owns(r)) {
      for (const auto& t : set.fast_weights(r)) w.push_back(t.detach().clone());
      for (const auto& t : set.slow_weights(r)) w.push_back(t.detach().clone());
      w.push_back(torch::tensor(set.inner_steps(r)));
    }
    seen.weights.push_back(w);
  }
  return seen;
}

void ExpectShardedEqualsOneProcess(const TrainerConfig& config, int world,
                                   const DilocoOuterConfig& diloco = {}) {
  ReplicaSet one(config, 5);
  const Observed expected = Script(one, diloco);
  std::vector<Observed> got(static_cast<std::size_t>(world));
  OnRanks(world, [&](std::shared_ptr<RankGroup> ranks) {
    const int rank = ranks->rank();
    // A replica set seeds torch's process-wide generator to build its models: ranks that are
    // threads of one process build theirs one at a time (separate processes need not).
    std::unique_ptr<ReplicaSet> set;
    {
      const std::lock_guard<std::mutex> one_at_a_time(BuildLock());
      set = std::make_unique<ReplicaSet>(config, 5, ranks);
    }
    got[static_cast<std::size_t>(rank)] = Script(*set, diloco);
  });
  for (int rank = 0; rank < world; ++rank) {
    const Observed& g = got[static_cast<std::size_t>(rank)];
    ASSERT_EQ(g.values.size(), expected.values.size());
    for (std::size_t i = 0; i < g.values.size(); ++i)
      EXPECT_EQ(g.values[i], expected.values[i]) << "rank " << rank << ", value " << i;
    const ReplicaSlice slice = SliceOf(5, world, rank);
    for (int r = 0; r < 5; ++r) {
      const auto& w = g.weights[static_cast<std::size_t>(r)];
      ASSERT_EQ(w.empty(), !slice.contains(r)) << "rank " << rank << ", replica " << r;
      for (std::size_t k = 0; k < w.size(); ++k) {
        EXPECT_TRUE(torch::equal(w[k], expected.weights[static_cast<std::size_t>(r)][k]))
            << "rank " << rank << ", replica " << r << ", tensor " << k;
      }
    }
  }
}

TEST(ReplicaSlices, AreContiguousEvenAndCoverEveryReplica) {
  EXPECT_EQ(SliceOf(10, 3, 0).first, 0);
  EXPECT_EQ(SliceOf(10, 3, 0).count, 4);
  EXPECT_EQ(SliceOf(10, 3, 1).first, 4);
  EXPECT_EQ(SliceOf(10, 3, 1).count, 3);
  EXPECT_EQ(SliceOf(10, 3, 2).first, 7);
  EXPECT_EQ(SliceOf(10, 3, 2).count, 3);
  for (int r = 0; r < 10; ++r) EXPECT_EQ(OwnerOf(r, 10, 3), r < 4 ? 0 : r < 7 ? 1 : 2);
  EXPECT_THROW(OwnerOf(10, 10, 3), TrainerError);
}

TEST(ShardedReplicaSet, TwoRanksStackedGiveOneProcessesResultsBitForBit) {
  TrainerConfig config = testing::TinyCharLm();
  config.replica_batching = "stacked";
  ExpectShardedEqualsOneProcess(config, 2);
}

TEST(ShardedReplicaSet, ThreeRanksLoopWithTopKGiveOneProcessesResultsBitForBit) {
  TrainerConfig config = testing::TinyCharLm();
  config.replica_batching = "loop";
  DilocoOuterConfig diloco;
  diloco.compression.format = WireFormat::kTopK;
  diloco.compression.topk_fraction = 0.05;
  ExpectShardedEqualsOneProcess(config, 3, diloco);
}

TEST(ShardedReplicaSet, TwoRanksUnderDpoWithApoGiveOneProcessesResultsBitForBit) {
  // Rounds of 3 steps, so replicas copied across ranks carry a round begun on their donor.
  TrainerConfig config = testing::TinyCharLm();
  config.objective.kind = "dpo";
  config.objective.prompt_tokens = 16;
  config.objective.response_tokens = 16;
  config.objective.apo_alpha = 0.3;
  config.objective.rounds = 2;
  config.objective.round_steps = 3;
  config.replica_batching = "loop";
  ExpectShardedEqualsOneProcess(config, 2);
}

TEST(ShardedReplicaSet, RefusesMoreRanksThanReplicasAndCheckpoints) {
  OnRanks(2, [](std::shared_ptr<RankGroup> ranks) {
    const std::lock_guard<std::mutex> one_at_a_time(BuildLock());
    EXPECT_THROW(ReplicaSet(testing::TinyCharLm(), 1, ranks), TrainerError);
    ReplicaSet set(testing::TinyCharLm(), 2, ranks);
    EXPECT_THROW(set.Save(::testing::TempDir() + "/sharded.pt"), TrainerError);
    EXPECT_THROW(set.fast_weights(1 - ranks->rank()), TrainerError);
  });
}

TEST(RankGroup, ALostPeerIsNamedAtOnceNotWaitedFor) {
  std::atomic<bool> peer_gone{false};
  std::string message;
  int lost = -1;
  double waited_s = -1;
  OnRanks(2, [&](std::shared_ptr<RankGroup> ranks) {
    std::unique_ptr<ReplicaSet> set;
    {
      const std::lock_guard<std::mutex> one_at_a_time(BuildLock());
      set = std::make_unique<ReplicaSet>(testing::TinyCharLm(), 2, ranks);
    }
    (void)set->InnerSteps(std::vector<int>{0, 1}, std::vector<int>{1, 1});  // both alive
    if (ranks->rank() == 1) {
      set.reset();
      ranks.reset();  // rank 1's group and its sockets are gone, as at an exit
      peer_gone = true;
      return;
    }
    while (!peer_gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto start = std::chrono::steady_clock::now();
    try {
      (void)set->InnerSteps(std::vector<int>{0, 1}, std::vector<int>{1, 1});
    } catch (const RankLost& e) {
      lost = e.rank();
      message = e.what();
    }
    waited_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  });
  EXPECT_EQ(lost, 1);
  EXPECT_NE(message.find("lost rank 1 of 2"), std::string::npos) << message;
  EXPECT_LT(waited_s, 30) << "the 60 s timeout, not the closed connection, ended the wait";
}

TEST(RankGroup, RefusesABadSpecBeforeAnyRendezvous) {
  RankSpec spec;
  spec.world_size = 2;
  spec.rank = 2;
  EXPECT_THROW(RankGroup::Join(spec), TrainerError);
  spec.rank = 0;
  spec.port = 70000;
  EXPECT_THROW(RankGroup::Join(spec), TrainerError);
}

}  // namespace
}  // namespace locosim::trainers
