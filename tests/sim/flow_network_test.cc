#include "sim/net/flow_network.h"

#include <gtest/gtest.h>

#include <span>

#include "sim/collectives/collective.h"
#include "sim/core/heap_event_loop.h"
#include "sim/core/rng.h"
#include "sim/net/analytic_network.h"
#include "sim/net/max_min.h"
#include "sim/topogen/generators.h"

namespace locosim {
namespace {

std::vector<double> Solve(std::vector<double> capacity, std::vector<std::vector<int>> paths,
                          std::vector<double> caps = {}) {
  if (caps.empty()) caps.assign(paths.size(), 1e300);
  MaxMinSolver solver(std::move(capacity));
  std::vector<std::span<const int>> views(paths.begin(), paths.end());
  return solver.Solve(views, caps);
}

TEST(MaxMin, TextbookAllocation) {
  // Link 0 (10) carries flows 0 and 1, link 1 (4) carries flows 0 and 2. Link 1 is the
  // bottleneck at 2 each; flow 1 then takes what link 0 has left: (2, 8, 2).
  const auto rate = Solve({10, 4}, {{0, 1}, {0}, {1}});
  EXPECT_DOUBLE_EQ(rate[0], 2);
  EXPECT_DOUBLE_EQ(rate[1], 8);
  EXPECT_DOUBLE_EQ(rate[2], 2);
}

TEST(MaxMin, LongFlowAgainstShortFlowsOnALine) {
  // Three unit links in a row; one flow crosses all, one short flow on each: all get 1/2
  // (Bertsekas & Gallager, Data Networks, example of section 6.5.2).
  const auto rate = Solve({1, 1, 1}, {{0, 1, 2}, {0}, {1}, {2}});
  for (double r : rate) EXPECT_DOUBLE_EQ(r, 0.5);
}

TEST(MaxMin, UnequalCapacitiesGiveEachFlowItsOwnBottleneck) {
  // Flow 0 crosses links 0 (cap 3) and 1 (cap 10); flows 1, 2 on link 0; flow 3 on link 1.
  // Link 0: 1 each; link 1 then gives flow 3 the remaining 9.
  const auto rate = Solve({3, 10}, {{0, 1}, {0}, {0}, {1}});
  EXPECT_DOUBLE_EQ(rate[0], 1);
  EXPECT_DOUBLE_EQ(rate[1], 1);
  EXPECT_DOUBLE_EQ(rate[2], 1);
  EXPECT_DOUBLE_EQ(rate[3], 9);
}

TEST(MaxMin, FlowCapsFreeCapacityForOthers) {
  // Three flows on one link of 9; flow 0 may not exceed 1: the others share 8.
  const auto rate = Solve({9}, {{0}, {0}, {0}}, {1, 100, 100});
  EXPECT_DOUBLE_EQ(rate[0], 1);
  EXPECT_DOUBLE_EQ(rate[1], 4);
  EXPECT_DOUBLE_EQ(rate[2], 4);
}

TEST(MaxMin, FlowWithNoSharedChannelRunsAtItsCap) {
  const auto rate = Solve({5}, {{}, {0}}, {3, 100});
  EXPECT_DOUBLE_EQ(rate[0], 3);
  EXPECT_DOUBLE_EQ(rate[1], 5);
}

// Two nodes joined by one link.
Topology Dumbbell(BitsPerSecond bw, SimTime latency) {
  Topology t;
  t.nodes = {{"a", ""}, {"b", ""}};
  t.links = {{"ab", 0, 1, bw, latency, 0, {}, {}}};
  t.replicas = {0, 1};
  return t;
}

TEST(FlowNetwork, FlowsSharingALinkSplitItAndTheSurvivorSpeedsUp) {
  // 100 MB and 50 MB start together on 1 Gbps: 500 Mbps each until the small one drains at
  // 0.8 s; the large one has 50 MB left, at 1 Gbps 0.4 s more. Plus 5 ms latency.
  const Topology t = Dumbbell(Gbps(1), Milliseconds(5));
  HeapEventLoop loop;
  FlowNetwork net(loop, t);
  SimTime big, small;
  net.transfer(0, 1, Bytes(100'000'000), [&] { big = loop.now(); });
  net.transfer(0, 1, Bytes(50'000'000), [&] { small = loop.now(); });
  loop.run();
  EXPECT_NEAR(small.seconds(), 0.805, 1e-8);
  EXPECT_NEAR(big.seconds(), 1.205, 1e-8);
}

TEST(FlowNetwork, OppositeDirectionsDoNotShare) {
  const Topology t = Dumbbell(Gbps(1), Milliseconds(5));
  HeapEventLoop loop;
  FlowNetwork net(loop, t);
  SimTime ab, ba;
  net.transfer(0, 1, Bytes(125'000'000), [&] { ab = loop.now(); });
  net.transfer(1, 0, Bytes(125'000'000), [&] { ba = loop.now(); });
  loop.run();
  EXPECT_NEAR(ab.seconds(), 1.005, 1e-8);
  EXPECT_NEAR(ba.seconds(), 1.005, 1e-8);
}

TEST(FlowNetwork, ZeroByteTransferTakesThePathLatency) {
  const Topology t = Dumbbell(Gbps(1), Milliseconds(7));
  HeapEventLoop loop;
  FlowNetwork net(loop, t);
  SimTime done;
  net.transfer(0, 1, Bytes(0), [&] { done = loop.now(); });
  loop.run();
  EXPECT_EQ(done, Milliseconds(7));
}

TEST(FlowNetwork, GossipPairsAcrossOneWanLinkShareIt) {
  // Two regions of k replicas; pair i of region 0 with i of region 1. Each direction of the
  // WAN carries k flows: ≈ k·8M/W, while analytic (no sharing) says 8M/W.
  const int k = 4;
  const std::int64_t m = 50'000'000;
  RegionsParams p;
  p.regions = 2;
  p.replicas_per_region = k;
  p.intra_bandwidth = Gbps(10);
  p.intra_latency = Microseconds(100);
  p.wan_bandwidth = Gbps(1);
  p.wan_latency = Milliseconds(40);
  const Topology t = MakeRegions(p);
  std::vector<std::vector<int>> pairs;
  for (int i = 0; i < k; ++i) pairs.push_back({i, k + i});
  const double latency = 0.0402;  // 100us + 40ms + 100us

  for (const bool flow : {true, false}) {
    HeapEventLoop loop;
    FlowNetwork flow_net(loop, t);
    AnalyticNetwork analytic_net(loop, t);
    Network& net = flow ? static_cast<Network&>(flow_net) : analytic_net;
    SimTime last;
    StartGroupExchange(CollectiveSetup{net, loop, t.replicas, Bytes(m)}, pairs,
                       [&](int, SimTime at) { last = std::max(last, at); });
    loop.run();
    const double expected = latency + (flow ? k : 1) * 8.0 * m / 1e9;
    EXPECT_NEAR(last.seconds(), expected, 1e-6) << (flow ? "flow" : "analytic");
  }
}

// Random transfers started at random times on a heterogeneous network.
struct Scenario {
  struct Transfer {
    SimTime start;
    NodeIndex src, dst;
    std::int64_t bytes;
  };
  Topology topology;
  std::vector<Transfer> transfers;
};

Scenario RandomScenario(std::uint64_t seed) {
  Scenario s;
  s.topology = MakeInternet({.replicas = 24, .regions = 3, .seed = seed});
  Rng rng(seed);
  for (int i = 0; i < 200; ++i) {
    const int n = s.topology.replica_count();
    const int a = static_cast<int>(rng.below(n));
    int b = static_cast<int>(rng.below(n - 1));
    if (b >= a) ++b;
    s.transfers.push_back({Milliseconds(rng.uniform() * 2000), s.topology.replicas[a],
                           s.topology.replicas[b],
                           static_cast<std::int64_t>(1 + rng.uniform() * 20'000'000)});
  }
  return s;
}

// Per-transfer durations, and the network's counters at the end.
std::vector<SimTime> Durations(Network& net, HeapEventLoop& loop, const Scenario& s,
                               const std::function<void()>& at_each_start = {}) {
  std::vector<SimTime> duration(s.transfers.size());
  for (std::size_t i = 0; i < s.transfers.size(); ++i) {
    const auto& tr = s.transfers[i];
    loop.at(tr.start, [&, i, tr] {
      net.transfer(tr.src, tr.dst, Bytes(tr.bytes),
                   [&, i, tr] { duration[i] = loop.now() - tr.start; });
      if (at_each_start) loop.after(SimTime(), at_each_start);
    });
  }
  loop.run();
  return duration;
}

TEST(FlowNetworkProperties, NeverFasterThanAnalytic) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const Scenario s = RandomScenario(seed);
    HeapEventLoop flow_loop, analytic_loop;
    FlowNetwork flow(flow_loop, s.topology);
    AnalyticNetwork analytic(analytic_loop, s.topology);
    const auto flow_times = Durations(flow, flow_loop, s);
    const auto analytic_times = Durations(analytic, analytic_loop, s);
    for (std::size_t i = 0; i < flow_times.size(); ++i) {
      EXPECT_GE(flow_times[i].nanoseconds() + 1, analytic_times[i].nanoseconds())
          << "seed " << seed << " transfer " << i;
    }
  }
}

TEST(FlowNetworkProperties, BytesAreConservedOnEveryChannel) {
  for (std::uint64_t seed : {4, 5}) {
    const Scenario s = RandomScenario(seed);
    HeapEventLoop loop;
    FlowNetwork flow(loop, s.topology);
    Durations(flow, loop, s);
    // What each channel carried must equal the bytes of the transfers routed over it.
    Routing routing(s.topology);
    std::vector<double> expected(s.topology.channel_count(), 0.0);
    for (const auto& tr : s.transfers) {
      for (Channel c : routing.path(tr.src, tr.dst).channels) expected[c] += tr.bytes;
    }
    const auto carried = flow.channel_bytes();
    for (Channel c = 0; c < s.topology.channel_count(); ++c) {
      EXPECT_NEAR(carried[c], expected[c], 1e-6 * expected[c] + 1e-3) << "channel " << c;
    }
  }
}

TEST(FlowNetworkProperties, NoChannelIsEverLoadedBeyondItsCapacity) {
  const Scenario s = RandomScenario(6);
  HeapEventLoop loop;
  FlowNetwork flow(loop, s.topology);
  int checks = 0;
  Durations(flow, loop, s, [&] {
    const auto load = flow.channel_load_bps();
    for (Channel c = 0; c < s.topology.channel_count(); ++c) {
      ASSERT_LE(load[c], s.topology.channel_bandwidth(c).bps() * (1 + 1e-9)) << "channel " << c;
    }
    ++checks;
  });
  EXPECT_EQ(checks, 200);
}

TEST(FlowNetworkProperties, SameInputsGiveIdenticalTimes) {
  const Scenario s = RandomScenario(8);
  HeapEventLoop a_loop, b_loop;
  FlowNetwork a(a_loop, s.topology), b(b_loop, s.topology);
  EXPECT_EQ(Durations(a, a_loop, s), Durations(b, b_loop, s));
}

}  // namespace
}  // namespace locosim
