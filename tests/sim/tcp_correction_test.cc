// The flow backend's optional TCP corrections (sim/net/tcp_correction.h).
#include "sim/net/tcp_correction.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <string>

#include "sim/backends/network_factory.h"
#include "sim/collectives/collective_by_name.h"
#include "sim/core/heap_event_loop.h"
#include "sim/net/analytic_network.h"
#include "sim/net/flow_network.h"
#include "sim/topogen/generators.h"

namespace locosim {
namespace {

Topology Pair(BitsPerSecond rate, SimTime latency, double loss = 0) {
  Topology t;
  t.nodes = {{"a", ""}, {"b", ""}};
  t.links = {Link{"ab", 0, 1, rate, latency, loss, {}, {}}};
  t.replicas = {0, 1};
  return t;
}

TEST(SlowStart, TransferWithinSlowStartTakesWholeRounds) {
  // 1 Gbps, RTT 20 ms (BDP 2.5 MB), window 17896 B: 100 kB needs rounds of 17896, 35792,
  // 71584 bytes, so its last byte leaves in round 3: 2 RTT + (100000 - 53688)/R after start.
  const SlowStart s = SlowStartExtra(Bytes(100'000), 17'896, Milliseconds(20), Gbps(1));
  EXPECT_NEAR(s.extra.seconds(), 0.040 - 53'688 / 125e6, 1e-9);
  EXPECT_DOUBLE_EQ(s.cwnd_after, 2 * 71'584);
}

TEST(SlowStart, LongTransferPaysTheRampOnceAndEndsAtTheBdp) {
  // The window reaches 2.5 MB after 8 doublings (17896·2^8 = 4.58 MB >= BDP); the 8 rounds
  // carry 17896·255 bytes.
  const SlowStart s = SlowStartExtra(Bytes(100'000'000), 17'896, Milliseconds(20), Gbps(1));
  EXPECT_NEAR(s.extra.seconds(), 8 * 0.020 - 17'896.0 * 255 / 125e6, 1e-9);
  EXPECT_DOUBLE_EQ(s.cwnd_after, 2.5e6);
}

TEST(SlowStart, WindowAtTheBdpCostsNothing) {
  EXPECT_EQ(SlowStartExtra(Bytes(1'000'000'000), 2.5e6, Milliseconds(20), Gbps(1)).extra,
            SimTime());
}

TEST(LossLimitedRate, MatchesPadhyeEtAlByHand) {
  // MSS 8948 B, RTT 80 ms, p = 1%, T0 = 0.2 s, b = 2:
  // 0.08·sqrt(0.04/3) + 0.2·3·sqrt(0.0075)·0.01·1.0032 = 0.00923760 + 0.00052128
  // = 0.00975888 s per segment: 916.9 kB/s.
  const BitsPerSecond r = LossLimitedRate(Bytes(8948), Milliseconds(80), 0.01, Milliseconds(200));
  EXPECT_NEAR(r.bytes_per_second(), 8948 / 0.00975888, 1.0);
}

TEST(TcpCorrectedNetwork, FirstTransferPaysHandshakeAndRampLaterOnesDoNot) {
  const Topology t = Pair(Gbps(1), Milliseconds(10));
  HeapEventLoop loop;
  TcpCorrection ramp_only;
  ramp_only.congestion_avoidance = false;
  TcpCorrectedNetwork net(loop, std::make_unique<AnalyticNetwork>(loop, t), ramp_only);
  const SimTime first = net.Delay(0, 1, 0, 1, Bytes(100'000'000));
  // Handshake 20 ms + delayed-ACK lag min(40 ms, RTT) = 20 ms + the ramp above.
  EXPECT_NEAR(first.seconds(), 0.040 + 8 * 0.020 - 17'896.0 * 255 / 125e6, 1e-6);
  EXPECT_EQ(net.Delay(0, 1, 0, 1, Bytes(100'000'000)), SimTime());
  EXPECT_GT(net.Delay(1, 0, 0, 1, Bytes(100'000'000)), SimTime())
      << "each direction is its own connection";
  // With congestion avoidance walked (the default) the first pays the same ramp, and the
  // second no ramp but CoDel's cuts: a 20 ms round trip is long enough for a cut to 0.7 to
  // leave the link part idle.
  HeapEventLoop loop2;
  TcpCorrectedNetwork walked(loop2, std::make_unique<AnalyticNetwork>(loop2, t), TcpCorrection{});
  EXPECT_GE(walked.Delay(0, 1, 0, 1, Bytes(100'000'000)), first);
  const SimTime second = walked.Delay(0, 1, 0, 1, Bytes(100'000'000));
  EXPECT_GT(second, SimTime());
  EXPECT_LT(second, first - Milliseconds(40));
}

TEST(CubicLossLimitedRate, IsPftkWithCubicsWindowInCongestionAvoidance) {
  // p = 1%, RTT 80 ms: CUBIC's window 1.0538·0.08^0.75/0.01^0.75 = 5.01 segments is below
  // the Reno-friendly sqrt(3/(2·2·0.01)) = 8.66, so the rate is PFTK's exactly.
  EXPECT_NEAR(CubicLossLimitedRate(Bytes(8948), Milliseconds(80), 0.01, Milliseconds(200)).bps(),
              LossLimitedRate(Bytes(8948), Milliseconds(80), 0.01, Milliseconds(200)).bps(), 1.0);
  // p = 0.01%, RTT 100 ms: CUBIC's own window wins, 1.0538·0.1^0.75/1e-4^0.75 = 187.4
  // segments; PFTK's timeout term is 0.2·3·sqrt(7.5e-5)·1e-4 = 5.2e-7 s per segment.
  const double w = std::pow(0.4 * 3.7 / 1.2, 0.25) * std::pow(0.1, 0.75) / std::pow(1e-4, 0.75);
  EXPECT_NEAR(w, 187.4, 0.1);
  const double timeout = 0.2 * 3 * std::sqrt(3 * 2 * 1e-4 / 8) * 1e-4 * (1 + 32e-8);
  EXPECT_NEAR(CubicLossLimitedRate(Bytes(8948), Milliseconds(100), 1e-4, Milliseconds(200))
                  .bytes_per_second(),
              8948 / (0.1 / w + timeout), 1.0);
  EXPECT_FALSE(LossResponseRate("bbr", Bytes(8948), Milliseconds(100), 1e-4, Milliseconds(200)));
}

TEST(TcpCorrectedNetwork, LossyPathSendsUntilTheFirstExpectedLossThenAtTheResponseRate) {
  const Topology t = Pair(Gbps(1), Milliseconds(40), 0.01);
  HeapEventLoop loop;
  TcpCorrection loss_only;
  loss_only.startup = false;
  loss_only.congestion_avoidance = false;
  loss_only.congestion_control = "newreno";
  TcpCorrectedNetwork net(loop, std::make_unique<AnalyticNetwork>(loop, t), loss_only);
  SimTime done;
  net.transfer(0, 1, Bytes(10'000'000), [&] { done = loop.now(); });
  loop.run();
  // The first loss is expected after 8948/0.01 = 894,800 bytes: those at 1 Gbps, the rest
  // (10^7 - 894,800·(1 - e^(-10^7/894,800))) at PFTK's rate.
  const double rate =
      LossLimitedRate(Bytes(8948), Milliseconds(80), 0.01, Milliseconds(200)).bytes_per_second();
  const double lossy = 1e7 - 894'800 * (1 - std::exp(-1e7 / 894'800));
  EXPECT_NEAR(done.seconds(), 0.040 + (1e7 - lossy) / 125e6 + lossy / rate, 1e-6);
}

TEST(ExpectedLossyBytes, IsTheSlowestStreamsMeanOverRandomFirstLosses) {
  // Monte Carlo reference: k streams, each loses its first segment at a geometric position
  // (loss p per segment); the slowest stream is the one that loses earliest. Its bytes after
  // that loss, averaged over draws, match the closed form within the sampling error.
  const Bytes mss(8948);
  const double p = 2e-4, part = 16e6;
  for (int k : {1, 4}) {
    std::mt19937_64 rng(7);
    std::geometric_distribution<std::int64_t> segments_before_loss(p);
    const int draws = 200'000;
    double sum = 0;
    for (int d = 0; d < draws; ++d) {
      std::int64_t earliest = segments_before_loss(rng);
      for (int s = 1; s < k; ++s) earliest = std::min(earliest, segments_before_loss(rng));
      sum += std::max(0.0, part - static_cast<double>(earliest * mss.count()));
    }
    const double expected = ExpectedLossyBytesOfSlowestStream(part, mss, p, k);
    EXPECT_NEAR(expected, sum / draws, 0.01 * part) << k << " streams";
    EXPECT_GT(expected, 0);
  }
  // More streams: each part is smaller, but the slowest one loses sooner.
  EXPECT_GT(ExpectedLossyBytesOfSlowestStream(16e6, mss, p, 4) / 16e6,
            ExpectedLossyBytesOfSlowestStream(16e6, mss, p, 1) / 16e6);
  EXPECT_EQ(ExpectedLossyBytesOfSlowestStream(0, mss, p, 1), 0);
}

TEST(TcpCorrectedNetwork, FlowEqualsAnalyticWhereNothingIsSharedWithTcpOnOrOff) {
  const Topology star = MakeStar({4, Gbps(1), Milliseconds(10)});
  const CollectiveSpec spec{"ring", Bytes(4'000'000)};
  for (const NetworkOptions& options : {NetworkOptions{}, NetworkOptions::IdealFluid()}) {
    auto flow = MakeSimulation("flow", star, options);
    auto analytic = MakeSimulation("analytic", star, options);
    EXPECT_EQ(RunCollective(*flow, star.replicas, spec).completion,
              RunCollective(*analytic, star.replicas, spec).completion);
  }
}

TEST(TcpCorrectedNetwork, TcpIsOnByDefaultAndOffIsTheIdealFluid) {
  const Topology star = MakeStar({4, Gbps(1), Milliseconds(10)});
  const CollectiveSpec spec{"ring", Bytes(4'000'000)};
  auto tcp = MakeSimulation("flow", star);
  auto ideal = MakeSimulation("flow", star, NetworkOptions::IdealFluid());
  const SimTime ideal_s = RunCollective(*ideal, star.replicas, spec).completion;
  EXPECT_GT(RunCollective(*tcp, star.replicas, spec).completion, ideal_s);
  // The ideal fluid is the closed form: 2(n-1) steps of path latency (two 10 ms links) + (M/n)/B.
  EXPECT_EQ(ideal_s, Nanoseconds(6 * (20'000'000 + 8'000'000)));
}

TEST(RestartWindow, HalvesOncePerTimeoutOfIdleDownToTheInitialWindow) {
  const SimTime rto = Milliseconds(300);
  // Linux restarts once idle > rto, then halves while (idle -= rto) > 0.
  EXPECT_EQ(RestartWindow(64e3, 8e3, Milliseconds(300), rto), 64e3);  // not idle long enough
  EXPECT_EQ(RestartWindow(64e3, 8e3, Milliseconds(301), rto), 32e3);  // one halving
  EXPECT_EQ(RestartWindow(64e3, 8e3, Milliseconds(601), rto), 16e3);  // two
  EXPECT_EQ(RestartWindow(64e3, 1e3, Milliseconds(901), rto), 8e3);   // three
  EXPECT_EQ(RestartWindow(64e3, 8e3, Seconds(30), rto), 8e3);         // floor: the initial window
  EXPECT_EQ(RestartWindow(4e3, 8e3, Seconds(30), rto), 4e3);          // never grows
}

// Two transfers of `bytes` on one connection, the second `idle` after the first arrived;
// returns how long each took.
std::pair<SimTime, SimTime> TwoTransfers(const TcpCorrection& tcp, SimTime idle, Bytes bytes) {
  const Topology t = Pair(Gbps(1), Milliseconds(10));
  HeapEventLoop loop;
  TcpCorrectedNetwork net(loop, std::make_unique<AnalyticNetwork>(loop, t), tcp);
  SimTime first, second;
  net.transfer(0, 1, bytes, [&] {
    first = loop.now();
    loop.after(idle, [&] {
      const SimTime start = loop.now();
      net.transfer(0, 1, bytes, [&, start] { second = loop.now() - start; });
    });
  });
  loop.run();
  return {first, second};
}

TEST(TcpCorrectedNetwork, AfterIdleTheWindowRestartsAndTheRampIsPaidAgain) {
  const Bytes bytes(48'000'000);
  const SimTime alone = Milliseconds(10) + Nanoseconds(384'000'000);  // latency + 8b/R
  TcpCorrection linux_default;  // the ramp alone: the window's cuts are tested below
  linux_default.congestion_avoidance = false;
  auto [first, second] = TwoTransfers(linux_default, Seconds(30), bytes);
  // The second pays the ramp again (no handshake): the first minus the handshake's
  // round trip and the delayed-ACK wait.
  EXPECT_NEAR(second.seconds(), first.seconds() - 0.040, 1e-6);
  EXPECT_GT(second, alone);
  TcpCorrection no_restart = linux_default;
  no_restart.restart_after_idle = false;
  auto [first_kept, second_kept] = TwoTransfers(no_restart, Seconds(30), bytes);
  EXPECT_EQ(first_kept, first);
  EXPECT_EQ(second_kept, alone);  // the window was kept at the path's BDP
  // Idle shorter than the timeout (RTT + min_rto = 220 ms) keeps the window too.
  EXPECT_EQ(TwoTransfers(linux_default, Milliseconds(200), bytes).second, alone);
}

TEST(TcpCorrectedNetwork, ParallelStreamsEachGetTheirOwnLossLimitedRate) {
  // 100 ms RTT, 0.01% loss per link, 1 GB, the mean over 5 seeds of loss draws: one stream is
  // capped far below 1 Gbps; four get well over twice as much, never more than the link, over
  // a sharing (flow) and a non-sharing (analytic) backend. Measured: flow 3.6x (178 to 643
  // Mbit/s; the must-show is 3x), analytic 2.65x: it starts the transfer as one flow
  // after its unluckiest stream's delay. Real Linux through the emulator gave 2.2x for a 1 GB
  // gossip at 500 Mbit/s (docs/algorithms.md).
  const Topology t = Pair(Gbps(1), Milliseconds(50), 1e-4);
  auto throughput = [&](int streams, bool flow) {
    double seconds = 0;
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      HeapEventLoop loop;
      TcpCorrection tcp;
      tcp.streams = streams;
      tcp.loss_seed = seed;
      std::unique_ptr<Network> inner;
      if (flow) {
        inner = std::make_unique<FlowNetwork>(loop, t);
      } else {
        inner = std::make_unique<AnalyticNetwork>(loop, t);
      }
      TcpCorrectedNetwork net(loop, std::move(inner), tcp, flow);
      SimTime done;
      net.transfer(0, 1, Bytes(1'000'000'000), [&] { done = loop.now(); });
      loop.run();
      seconds += done.seconds() / 5;
    }
    return 8 * 1e9 / seconds;
  };
  for (bool flow : {true, false}) {
    const double one = throughput(1, flow), four = throughput(4, flow);
    EXPECT_LT(one, 0.3e9) << (flow ? "flow" : "analytic");
    EXPECT_GE(four, (flow ? 3 : 2) * one) << (flow ? "flow" : "analytic");
    EXPECT_LE(four, 1e9) << (flow ? "flow" : "analytic");
  }
  EXPECT_NEAR(throughput(1, true), throughput(1, false), 0.02 * throughput(1, true))
      << "one stream alone: both backends agree";
}

TEST(TcpCorrectedNetwork, RandomLossIsDrawnPerSeedAndTheSameSeedGivesTheSameTime) {
  const Topology t = Pair(Gbps(1), Milliseconds(50), 1e-4);
  auto seconds = [&](std::uint64_t seed) {
    HeapEventLoop loop;
    TcpCorrection tcp;
    tcp.loss_seed = seed;
    TcpCorrectedNetwork net(loop, std::make_unique<FlowNetwork>(loop, t), tcp, true);
    SimTime done;
    net.transfer(0, 1, Bytes(200'000'000), [&] { done = loop.now(); });
    loop.run();
    return done.seconds();
  };
  EXPECT_EQ(seconds(3), seconds(3));
  std::set<double> times;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) times.insert(seconds(seed));
  EXPECT_GE(times.size(), 4u) << "eight seeds, hardly any different draws";
  // A lossy path never beats the same path without loss.
  HeapEventLoop loop;
  const Topology loss_free = Pair(Gbps(1), Milliseconds(50), 0);
  TcpCorrectedNetwork clean(loop, std::make_unique<FlowNetwork>(loop, loss_free), TcpCorrection{},
                            true);
  SimTime done;
  clean.transfer(0, 1, Bytes(200'000'000), [&] { done = loop.now(); });
  loop.run();
  EXPECT_GE(*times.begin(), done.seconds());
}

// When `bytes` sent from node `from` to the other (and, with `reverse`, back at the same time)
// arrive on a pair with loss `loss` per segment, over the analytic backend (nothing shared).
double LossyTransferSeconds(double loss, std::uint64_t seed, Bytes bytes, bool reverse = false,
                            const std::string& congestion_control = "cubic", NodeIndex from = 0) {
  const Topology t = Pair(Gbps(1), Milliseconds(50), loss);
  HeapEventLoop loop;
  TcpCorrection tcp;
  tcp.loss_seed = seed;
  tcp.congestion_control = congestion_control;
  TcpCorrectedNetwork net(loop, std::make_unique<AnalyticNetwork>(loop, t), tcp);
  SimTime done;
  if (reverse) net.transfer(1 - from, from, bytes, [] {});
  net.transfer(from, 1 - from, bytes, [&] { done = loop.now(); });
  loop.run();
  return done.seconds();
}

TEST(TcpCorrectedNetwork, EachConnectionDrawsItsOwnLossesWhateverElseIsSent) {
  int differ = 0;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const double alone = LossyTransferSeconds(1e-4, seed, Bytes(200'000'000));
    EXPECT_EQ(LossyTransferSeconds(1e-4, seed, Bytes(200'000'000), /*reverse=*/true), alone)
        << "the reverse direction's draws moved this one's";
    // The reverse direction on its own connection draws differently.
    const double back =
        LossyTransferSeconds(1e-4, seed, Bytes(200'000'000), false, "cubic", /*from=*/1);
    differ += back != alone;
  }
  EXPECT_GE(differ, 4);
}

TEST(TcpCorrectedNetwork, LossEvenInAShortTransfersLastRoundCostsItsRepair) {
  // 1 MB at 1% loss mostly fits in slow start's last rounds, where a loss costs the repair
  // (a round trip, or the tail loss probe's two or three).
  const double clean = LossyTransferSeconds(0, 1, Bytes(1'000'000));
  double mean = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed)
    mean += LossyTransferSeconds(0.01, seed, Bytes(1'000'000)) / 20;
  EXPECT_GT(mean, clean + 0.05);
}

TEST(TcpCorrectedNetwork, VanishingLossIsTheLossFreePathAndHeavyLossStillEnds) {
  const double clean = LossyTransferSeconds(0, 1, Bytes(100'000'000));
  EXPECT_NEAR(LossyTransferSeconds(1e-12, 1, Bytes(100'000'000)), clean, 1e-6 * clean);
  const double heavy = LossyTransferSeconds(0.5, 1, Bytes(1'000'000));
  EXPECT_TRUE(std::isfinite(heavy));
  EXPECT_GT(heavy, clean);
  // BBR is not loss-based: random loss does not slow it.
  EXPECT_EQ(LossyTransferSeconds(1e-3, 1, Bytes(100'000'000), false, "bbr"),
            LossyTransferSeconds(0, 1, Bytes(100'000'000), false, "bbr"));
}

TEST(TcpCorrectedNetwork, WithTheWindowWalkedTheRestartAfterIdleStillCostsTheRampAgain) {
  const Bytes bytes(48'000'000);
  const TcpCorrection walked;  // the default
  TcpCorrection no_restart;
  no_restart.restart_after_idle = false;
  const auto [first, second] = TwoTransfers(walked, Seconds(30), bytes);
  const auto [first_kept, second_kept] = TwoTransfers(no_restart, Seconds(30), bytes);
  EXPECT_EQ(first_kept, first);
  EXPECT_LT(second_kept, second) << "a kept window skips slow start";
  EXPECT_LT(second, first) << "no handshake the second time";
}

// One transfer's time on a new connection of (0, 1) over `t` with `tcp`.
SimTime OneTransfer(const Topology& t, const TcpCorrection& tcp, Bytes bytes) {
  HeapEventLoop loop;
  TcpCorrectedNetwork net(loop, std::make_unique<AnalyticNetwork>(loop, t), tcp);
  SimTime done;
  net.transfer(0, 1, bytes, [&] { done = loop.now(); });
  loop.run();
  return done;
}

TEST(TcpCorrectedNetwork, BbrKeepsTheRampAndPfifosDeepQueueAvoidsCoDelsCuts) {
  // 100 Mbit/s, RTT 80 ms, 48 MB: CoDel's cuts cost CUBIC time that BBR (not cut by a drop)
  // and a 1000-packet drop-tail queue (never filled here) do not.
  const Topology t = Pair(Mbps(100), Milliseconds(40));
  const Bytes bytes(48'000'000);
  TcpCorrection ramp_only;
  ramp_only.congestion_avoidance = false;
  const SimTime ramp = OneTransfer(t, ramp_only, bytes);
  const SimTime cubic = OneTransfer(t, TcpCorrection{}, bytes);
  EXPECT_GT(cubic, ramp + Milliseconds(200));
  TcpCorrection bbr;
  bbr.congestion_control = "bbr";
  EXPECT_EQ(OneTransfer(t, bbr, bytes), ramp);
  TcpCorrection pfifo;
  pfifo.queue_disc = "pfifo";
  const SimTime fifo = OneTransfer(t, pfifo, bytes);
  EXPECT_LT(fifo, cubic);
  // A link's own queue limit applies: 10 packets of drop-tail cut CUBIC early and often.
  Topology shallow = t;
  shallow.links[0].queue.packets = 10;
  EXPECT_GT(OneTransfer(shallow, pfifo, bytes), fifo);
}

}  // namespace
}  // namespace locosim
