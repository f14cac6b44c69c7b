// The collectives against the closed forms of docs/algorithms.md ("Collective costs") on
// a star, where nothing is shared: α is the path latency (two links), B the link rate.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "sim/backends/network_factory.h"
#include "sim/collectives/collective_by_name.h"
#include "sim/collectives/grouping.h"
#include "sim/topogen/generators.h"

namespace locosim {
namespace {

double Log2(int n) { return std::log2(static_cast<double>(n)); }

CollectiveOutcome RunOnStar(const std::string& backend, const std::string& algorithm, int n,
                            std::int64_t bytes, SimTime link_latency = Milliseconds(10)) {
  static std::vector<std::unique_ptr<Topology>> keep;  // topologies outlive their simulations
  keep.push_back(std::make_unique<Topology>(MakeStar({n, Gbps(1), link_latency})));
  auto sim = MakeSimulation(backend, *keep.back(), NetworkOptions::IdealFluid());
  return RunCollective(*sim, keep.back()->replicas, {algorithm, Bytes(bytes), 7, 0, 2});
}

class OnEachBackend : public testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Backends, OnEachBackend, testing::Values("analytic", "flow"));

TEST_P(OnEachBackend, Star16RingAllReduceOf1GBTakes15_6s) {
  // 2·15·(0.02 + 8·62.5e6/1e9) = 15.6 s (issue 2).
  const auto outcome = RunOnStar(GetParam(), "ring", 16, 1'000'000'000);
  EXPECT_NEAR(outcome.completion.seconds(), 15.6, 15.6 * 1e-3);
}

TEST_P(OnEachBackend, RingMatchesClosedForm) {
  for (int n : {2, 3, 5, 8, 16, 33}) {
    for (std::int64_t m : {1'000'000LL, 100'000'000LL}) {
      const double alpha = 0.02, b = 1e9;
      const double expected = 2.0 * (n - 1) * alpha + 2.0 * (n - 1) / n * 8.0 * m / b;
      const auto outcome = RunOnStar(GetParam(), "ring", n, m);
      EXPECT_NEAR(outcome.completion.seconds(), expected, expected * 1e-6)
          << "n=" << n << " M=" << m;
    }
  }
}

TEST_P(OnEachBackend, HalvingDoublingMatchesClosedFormForPowersOfTwo) {
  for (int n : {2, 4, 8, 16, 32}) {
    for (std::int64_t m : {1'048'576LL, 128'000'000LL}) {
      const double expected = 2.0 * Log2(n) * 0.02 + 2.0 * (n - 1) / n * 8.0 * m / 1e9;
      const auto outcome = RunOnStar(GetParam(), "halving-doubling", n, m);
      EXPECT_NEAR(outcome.completion.seconds(), expected, expected * 1e-6) << "n=" << n;
    }
  }
}

TEST(Collectives, HalvingDoublingFoldsExtraRanksAtTwoFullMessagesCost) {
  // n = 6: p = 4, plus one hand-off in and one back: 2(α + M/B) more. Only without
  // contention: under `flow`, rank 2's first message to rank 0 overlaps rank 4's hand-off on
  // rank 0's downlink, as it would on a real network.
  const std::int64_t m = 100'000'000;
  const double t = 8.0 * m / 1e9;
  const double expected = 2.0 * 2 * 0.02 + 2.0 * 3 / 4 * t + 2 * (0.02 + t);
  EXPECT_NEAR(RunOnStar("analytic", "halving-doubling", 6, m).completion.seconds(), expected,
              expected * 1e-6);
  EXPECT_GT(RunOnStar("flow", "halving-doubling", 6, m).completion.seconds(), expected);
}

TEST_P(OnEachBackend, BinomialTreeMatchesClosedForm) {
  for (int n : {2, 4, 8, 16}) {
    const std::int64_t m = 50'000'000;
    const double expected = 2.0 * Log2(n) * (0.02 + 8.0 * m / 1e9);
    const auto outcome = RunOnStar(GetParam(), "tree", n, m);
    EXPECT_NEAR(outcome.completion.seconds(), expected, expected * 1e-6) << "n=" << n;
  }
}

TEST_P(OnEachBackend, GossipPairsFinishTogetherInOneMessageTime) {
  for (int n : {2, 8, 64}) {
    const std::int64_t m = 200'000'000;
    const double expected = 0.02 + 8.0 * m / 1e9;
    const auto outcome = RunOnStar(GetParam(), "gossip", n, m);
    for (SimTime t : outcome.rank_done) EXPECT_NEAR(t.seconds(), expected, 1e-9) << "n=" << n;
  }
}

TEST_P(OnEachBackend, WorkedExampleOf256ReplicasMatchesAlgorithmsMd) {
  // n = 256, M = 1 GB, B = 1 Gbps, α = 40 ms: ring 36.3 s, halving-doubling 16.6 s,
  // gossip 8.04 s (docs/algorithms.md). 20 ms per star link gives α = 40 ms.
  const std::int64_t gb = 1'000'000'000;
  EXPECT_NEAR(RunOnStar(GetParam(), "ring", 256, gb, Milliseconds(20)).completion.seconds(), 36.3,
              0.05);
  EXPECT_NEAR(
      RunOnStar(GetParam(), "halving-doubling", 256, gb, Milliseconds(20)).completion.seconds(),
      16.6, 0.05);
  EXPECT_NEAR(RunOnStar(GetParam(), "gossip", 256, gb, Milliseconds(20)).completion.seconds(), 8.04,
              1e-6);
}

TEST_P(OnEachBackend, SingleReplicaCollectivesFinishAtOnce) {
  for (const std::string& algorithm : CollectiveAlgorithms()) {
    const auto outcome = RunOnStar(GetParam(), algorithm, 1, 1'000'000);
    EXPECT_EQ(outcome.completion, SimTime()) << algorithm;
  }
}

TEST(Collectives, EveryRankIsReportedExactlyOnce) {
  for (const std::string& algorithm : CollectiveAlgorithms()) {
    for (int n : {1, 2, 3, 7, 12}) {
      const Topology star = MakeStar({n, Gbps(1), Milliseconds(1)});
      auto sim = MakeSimulation("flow", star, NetworkOptions::IdealFluid());
      std::vector<int> reports(n, 0);
      StartCollective({algorithm, Bytes(1000), 1, 0, 2},
                      CollectiveSetup{*sim->network, *sim->loop, star.replicas, Bytes(1000)},
                      [&](int rank, SimTime) { ++reports[rank]; });
      sim->loop->run();
      for (int r = 0; r < n; ++r)
        EXPECT_EQ(reports[r], 1) << algorithm << " n=" << n << " rank " << r;
    }
  }
}

TEST(Collectives, RingSendsTwoNMinusOneChunksOverEachUplink) {
  // Each rank sends 2(n-1) chunks of M/n: 2(n-1)/n · M on its uplink.
  const Topology star = MakeStar({4, Gbps(1), Milliseconds(1)});
  auto sim = MakeSimulation("flow", star, NetworkOptions::IdealFluid());
  const auto outcome = RunCollective(*sim, star.replicas, {"ring", Bytes(4000), 0, 0, 2});
  for (std::size_t l = 0; l < star.links.size(); ++l) {
    EXPECT_NEAR(outcome.channel_bytes[2 * l], 6000.0, 1e-6);      // replica -> core
    EXPECT_NEAR(outcome.channel_bytes[2 * l + 1], 6000.0, 1e-6);  // core -> replica
  }
}

TEST(Grouping, StridedGroupsCoverEveryRankOnce) {
  for (int n : {2, 5, 16, 17}) {
    for (int size : {2, 3, 4}) {
      const auto groups = RoundGroups(1, 3, n, size);
      std::multiset<int> seen;
      for (const auto& g : groups) {
        EXPECT_GE(static_cast<int>(g.size()), std::min(n, size));
        for (int r : g) seen.insert(r);
      }
      EXPECT_EQ(static_cast<int>(seen.size()), n);
      for (int r = 0; r < n; ++r) EXPECT_EQ(seen.count(r), 1u);
    }
  }
}

TEST(Grouping, StridedGroupsFollowThePaperLayout) {
  // G_k = {perm[k], perm[k + N/n], ...} (docs/algorithms.md, NoLoCo step 1).
  const std::vector<int> perm = {5, 2, 7, 0, 1, 6, 3, 4};
  const auto pairs = StridedGroups(perm, 2);
  ASSERT_EQ(pairs.size(), 4u);
  EXPECT_EQ(pairs[0], (std::vector<int>{5, 1}));
  EXPECT_EQ(pairs[3], (std::vector<int>{0, 4}));
  const auto odd = StridedGroups({0, 1, 2, 3, 4}, 2);
  ASSERT_EQ(odd.size(), 2u);
  EXPECT_EQ(odd[0], (std::vector<int>{0, 2, 4}));  // the leftover joins group 0
}

TEST(Grouping, RoundsDrawDifferentGroupsDeterministically) {
  EXPECT_EQ(RoundGroups(9, 1, 16, 2), RoundGroups(9, 1, 16, 2));
  EXPECT_NE(RoundGroups(9, 1, 16, 2), RoundGroups(9, 2, 16, 2));
}

}  // namespace
}  // namespace locosim
