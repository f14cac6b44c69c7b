// One connection's window walked round trip by round trip (sim/net/tcp_window.h).
#include "sim/net/tcp_window.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/net/tcp_correction.h"

namespace locosim {
namespace {

constexpr double kSegment = 8948;

// 100 Mbit/s and an 80 ms round trip: a BDP of 1 MB, 111.8 segments.
WindowPath LongPath() { return {100e6 / 8, 0.080, kSegment}; }
double Bdp(const WindowPath& p) { return p.rate_bytes_per_s * p.rtt_s / p.segment_bytes; }
// Seconds over the fluid's bytes / rate.
double Extra(CongestionWindow& w, double bytes, const WindowPath& p, const WindowRules& rules) {
  return SendOverRounds(w, bytes, p, rules) - bytes / p.rate_bytes_per_s;
}

TEST(CongestionWindow, WithinSlowStartTheWalkIsTheRamp) {
  // Below the BDP nothing queues, so rounds of 2, 4, 8, ... segments are the ramp.
  for (double bytes : {1e5, 4e5, 7e5}) {
    CongestionWindow w;
    const double walked = Extra(w, bytes, LongPath(), WindowRules{});
    const SlowStart ramp = SlowStartExtra(Bytes(static_cast<std::int64_t>(bytes)), 2 * kSegment,
                                          Milliseconds(80), Mbps(100));
    EXPECT_NEAR(walked, ramp.extra.seconds(), 1e-9) << bytes;
    EXPECT_EQ(w.losses, 0);
  }
}

TEST(CongestionWindow, HyStartLeavesSlowStartOnceTheAckTrainSpansHalfARoundTrip) {
  // Windows 2, 4, ..., 64: 64 > BDP/2, so the next round's ACK train passes half a round
  // trip after half a BDP is acked: the window is 64 + 55.9 and slow start is over.
  CongestionWindow w;
  SendOverRounds(w, 130 * kSegment, LongPath(), WindowRules{});
  EXPECT_NEAR(w.ssthresh, 64 + Bdp(LongPath()) / 2, 1e-9);
  EXPECT_FALSE(w.in_slow_start());
  // NewReno has no HyStart: it doubles on (and the last 4 segments' ACKs add 4).
  CongestionWindow reno;
  WindowRules newreno;
  newreno.newreno = true;
  SendOverRounds(reno, 130 * kSegment, LongPath(), newreno);
  EXPECT_TRUE(reno.in_slow_start());
  EXPECT_EQ(reno.cwnd, 128 + 4);
}

TEST(CongestionWindow, CubicGrowsBackAlongTheCubicFromWMax) {
  // After a loss at 100 segments the window is 70: K = cbrt(30 / 0.4) = 4.217 s. The epoch
  // starts as the first round's ACKs come back, and the window aims one round trip ahead:
  // after that round W = 100 + 0.4 (0.08 - 4.217)^3 = 71.68 (the Reno-friendly estimate,
  // 70.53, is lower).
  CongestionWindow w;
  w.cwnd = w.ssthresh = 70;
  w.w_max = 100;
  const WindowPath path{1e9 / 8, 0.080, kSegment};  // a BDP of 1118 segments: no queue
  SendOverRounds(w, 71 * kSegment, path, WindowRules{});
  const double k = std::cbrt(30 / 0.4);
  EXPECT_NEAR(w.cwnd, 100 + 0.4 * std::pow(0.08 - k, 3), 1e-9);
  EXPECT_NEAR(w.cwnd, 71.68, 0.01);
}

TEST(CongestionWindow, CoDelCutsAWindowThatKeepsAQueueAboveTargetForAnInterval) {
  // Past HyStart the window (120 segments) keeps 8 segments queued (5.7 ms): above CoDel's
  // 5 ms target for two rounds of 80+ ms, then a drop and a cut to 0.7 of the window.
  CongestionWindow w;
  SendOverRounds(w, 8e6, LongPath(), WindowRules{});
  EXPECT_GE(w.losses, 1);
  EXPECT_GT(w.w_max, Bdp(LongPath()));
  EXPECT_LT(0.7 * w.w_max, Bdp(LongPath())) << "the cut leaves the link part idle";
}

TEST(CongestionWindow, OnALongRoundTripTheCutsCostMoreTheLongerTheTransfer) {
  // Each cut leaves the link part idle for seconds: 48 MB pays more than 8 MB over the
  // fluid, beyond the ramp (which both pay once).
  CongestionWindow short_one, long_one;
  const double eight = Extra(short_one, 8e6, LongPath(), WindowRules{});
  const double forty_eight = Extra(long_one, 48e6, LongPath(), WindowRules{});
  const double ramp =
      SlowStartExtra(Bytes(48'000'000), 2 * kSegment, Milliseconds(80), Mbps(100)).extra.seconds();
  EXPECT_GT(forty_eight, eight + 0.2);
  EXPECT_GT(forty_eight, ramp + 0.2);
}

TEST(CongestionWindow, OnAShortRoundTripNoCutCanIdleTheLinkSoTheWalkStops) {
  // RTT 4 ms: 0.7 x (BDP + 5 ms of queue) > BDP, so once slow start is over the link stays
  // full whatever CoDel does, and the walk stops there.
  const WindowPath path{100e6 / 8, 0.004, kSegment};
  CongestionWindow w;
  const double extra = Extra(w, 48e6, path, WindowRules{});
  EXPECT_TRUE(w.at_full_rate);
  CongestionWindow w8;
  EXPECT_NEAR(Extra(w8, 8e6, path, WindowRules{}), extra, 1e-9) << "the ramp, paid once";
}

TEST(CongestionWindow, ADropTailQueueOfAThousandPacketsNeverCutsAShortTransfer) {
  // pfifo's 1000 packets are 9 MB, 70 ms at this rate: 48 MB never fills them after
  // HyStart, so there is no loss, unlike under CoDel.
  WindowRules pfifo;
  pfifo.queue = BottleneckQueue::kDropTail;
  pfifo.queue_limit_packets = 1000;
  CongestionWindow fifo, codel;
  const double fifo_extra = Extra(fifo, 48e6, LongPath(), pfifo);
  const double codel_extra = Extra(codel, 48e6, LongPath(), WindowRules{});
  EXPECT_EQ(fifo.losses, 0);
  EXPECT_GE(codel.losses, 1);
  EXPECT_LT(fifo_extra, codel_extra);
}

TEST(CongestionWindow, RestartKeepsThreeQuartersOfTheWindowAsSsthresh) {
  CongestionWindow w;
  w.cwnd = 120;
  w.ssthresh = 60;
  w.at_full_rate = true;
  w.Restart(2);
  EXPECT_EQ(w.cwnd, 2);
  EXPECT_EQ(w.ssthresh, 90);
  EXPECT_FALSE(w.at_full_rate);
  CongestionWindow fresh;  // never left slow start: ssthresh stays unset
  fresh.cwnd = 64;
  fresh.Restart(2);
  EXPECT_EQ(fresh.ssthresh, CongestionWindow::kNone);
}

TEST(CongestionWindow, CoDelForgetsItsDropRateAfterSixteenIntervalsIdle) {
  CongestionWindow w;
  w.count = 12;
  w.last_count = 2;
  w.dropping = true;
  w.QueueDrained(0.5);  // within 16 x 100 ms: re-entry would resume near 10 drops
  EXPECT_FALSE(w.dropping);
  EXPECT_EQ(w.count - w.last_count, 10);
  w.QueueDrained(1.6);
  EXPECT_EQ(w.count - w.last_count, 0) << "re-entry starts again at one drop";
}

TEST(CongestionWindow, RandomLossSettlesWhereTheResponseFunctionsPutIt) {
  // A long transfer on a path too fast to limit it, losses drawn at random: NewReno's mean
  // window under random loss is Ott, Kemperman and Mathis's 1.31/sqrt(p) segments (1996); CUBIC
  // is never below its Reno-friendly estimate's (3(1-0.7)/(1+0.7) per round, cut to 0.7:
  // the same 1.31/sqrt(p); within 10%, as its recovery rounds send the reduced window) and
  // above RFC 8312's cubic average at low loss.
  const double rtt_s = 0.1, segments = 2e6;
  for (double p : {0.01, 0.002, 0.0002}) {
    for (bool newreno : {true, false}) {
      const WindowPath path{10e9 / 8, rtt_s, kSegment, p};
      WindowRules rules;
      rules.newreno = newreno;
      CongestionWindow w;
      SeedRandomLoss(w, 42, p);
      const double seconds = SendOverRounds(w, segments * kSegment, path, rules);
      const double mean_window = segments / (seconds / rtt_s);
      const double ott = 1.31 / std::sqrt(p);
      if (newreno) {
        EXPECT_NEAR(mean_window, ott, 0.05 * ott) << "newreno, p " << p;
      } else {
        EXPECT_GE(mean_window, 0.9 * ott) << "cubic, p " << p;
        const double rfc8312 = 1.054 * std::pow(rtt_s, 0.75) / std::pow(p, 0.75);
        if (rfc8312 > ott) {
          EXPECT_GE(mean_window, rfc8312) << "cubic, p " << p;
        }
      }
    }
  }
}

TEST(CongestionWindow, ALossInSlowStartIsSeenWhenTheSegmentsAfterItComeBack) {
  // The first loss drawn 40 segments in: slow start sent 2 + 4 + 8 + 16 = 30, so it falls 10
  // segments into the round of 32; by the time those 10 are acknowledged the window is
  // 32 + 10, and CUBIC cuts that to 0.7 of it.
  CongestionWindow w;
  w.segments_to_random_loss = 40;
  w.loss_draws = 1;
  const WindowPath path{10e9 / 8, 0.1, kSegment, 1e-9};  // no later loss within the transfer
  SendOverRounds(w, 200 * kSegment, path, WindowRules{});
  EXPECT_EQ(w.losses, 1);
  EXPECT_NEAR(w.ssthresh, 0.7 * 42, 1e-9);
}

TEST(CongestionWindow, DegeneratePathsEnd) {
  // No round trip at all, and a rate so low that one stream holds under two segments of
  // BDP + queue: both end, with finite times.
  CongestionWindow instant;
  const double t0 = SendOverRounds(instant, 1e8, {1e9 / 8, 0.0, kSegment}, WindowRules{});
  EXPECT_NEAR(t0, 1e8 / (1e9 / 8), 1e-6);
  CongestionWindow slow;
  const WindowPath trickle{1.5e6 / 8, 0.080, kSegment};  // BDP 1.7 segments
  const double t1 = SendOverRounds(slow, 1e8, trickle, WindowRules{});
  EXPECT_TRUE(std::isfinite(t1));
  EXPECT_GE(t1, (1 - 1e-12) * 1e8 / trickle.rate_bytes_per_s);  // never faster than the link
  EXPECT_LT(slow.count, 100000);
}

}  // namespace
}  // namespace locosim
