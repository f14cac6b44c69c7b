// The flow backend's optional TCP corrections (sim/net/tcp_correction.h).
#include "sim/net/tcp_correction.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/backends/network_factory.h"
#include "sim/collectives/collective_by_name.h"
#include "sim/core/heap_event_loop.h"
#include "sim/net/analytic_network.h"
#include "sim/topogen/generators.h"

namespace locosim {
namespace {

Topology Pair(BitsPerSecond rate, SimTime latency, double loss = 0) {
  Topology t;
  t.nodes = {{"a", ""}, {"b", ""}};
  t.links = {Link{"ab", 0, 1, rate, latency, loss, {}}};
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
  TcpCorrectedNetwork net(loop, std::make_unique<AnalyticNetwork>(loop, t), TcpCorrection{});
  const SimTime first = net.Delay(0, 1, Bytes(100'000'000));
  // Handshake 20 ms + delayed-ACK lag min(40 ms, RTT) = 20 ms + the ramp above.
  EXPECT_NEAR(first.seconds(), 0.040 + 8 * 0.020 - 17'896.0 * 255 / 125e6, 1e-6);
  EXPECT_EQ(net.Delay(0, 1, Bytes(100'000'000)), SimTime());
  EXPECT_GT(net.Delay(1, 0, Bytes(100'000'000)), SimTime())
      << "each direction is its own connection";
}

TEST(TcpCorrectedNetwork, LossyPathTakesBytesOverTheLossLimitedRate) {
  const Topology t = Pair(Gbps(1), Milliseconds(40), 0.01);
  HeapEventLoop loop;
  TcpCorrection loss_only;
  loss_only.startup = false;
  TcpCorrectedNetwork net(loop, std::make_unique<AnalyticNetwork>(loop, t), loss_only);
  SimTime done;
  net.transfer(0, 1, Bytes(10'000'000), [&] { done = loop.now(); });
  loop.run();
  const double rate =
      LossLimitedRate(Bytes(8948), Milliseconds(80), 0.01, Milliseconds(200)).bytes_per_second();
  EXPECT_NEAR(done.seconds(), 0.040 + 1e7 / rate, 1e-6);
}

TEST(TcpCorrectedNetwork, FlowBackendIsUncorrectedByDefault) {
  // `flow` stays exactly `analytic` where nothing is shared unless asked otherwise.
  const Topology star = MakeStar({4, Gbps(1), Milliseconds(10)});
  const CollectiveSpec spec{"ring", Bytes(4'000'000), 0, 0, 2};
  auto flow = MakeSimulation("flow", star);
  auto analytic = MakeSimulation("analytic", star);
  EXPECT_EQ(RunCollective(*flow, star.replicas, spec).completion,
            RunCollective(*analytic, star.replicas, spec).completion);
  NetworkOptions corrected;
  corrected.flow.tcp_startup = true;
  auto tcp = MakeSimulation("flow", star, corrected);
  auto plain = MakeSimulation("flow", star);
  EXPECT_GT(RunCollective(*tcp, star.replicas, spec).completion,
            RunCollective(*plain, star.replicas, spec).completion);
}

}  // namespace
}  // namespace locosim
