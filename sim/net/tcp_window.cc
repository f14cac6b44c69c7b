#include "sim/net/tcp_window.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "sim/core/rng.h"

namespace locosim {
namespace {

constexpr double kCubicC = 0.4;     // segments / s^3
constexpr double kCubicBeta = 0.7;  // window kept at a loss
constexpr double kRenoBeta = 0.5;
constexpr double kRenoFriendlyPerRound = 3 * (1 - kCubicBeta) / (1 + kCubicBeta);  // 0.53
constexpr double kFirstEpochGrowth = 1.0 / 20;  // Linux's cnt clamp of 20 before any loss
constexpr double kHyStartLowWindow = 16;        // segments
constexpr double kCoDelTarget_s = 0.005;
constexpr double kCoDelInterval_s = 0.100;

double Beta(const WindowRules& rules) { return rules.newreno ? kRenoBeta : kCubicBeta; }

// The standing queue, in segments, at which the bottleneck starts to drop.
double DropPointSegments(const WindowPath& path, const WindowRules& rules) {
  if (rules.queue == BottleneckQueue::kDropTail) return rules.queue_limit_packets;
  return std::min(rules.queue_limit_packets,
                  kCoDelTarget_s * path.rate_bytes_per_s / path.segment_bytes);
}

// Whether the queue drops a packet in a round of `round_s` whose standing queue is
// `queue_segments` (delay `queue_s`); advances CoDel's state.
bool QueueDrops(CongestionWindow& w, double queue_segments, double queue_s, double round_s,
                const WindowRules& rules) {
  if (queue_segments > rules.queue_limit_packets) return true;
  if (rules.queue == BottleneckQueue::kDropTail) return false;
  // CoDel never drops while at most one packet is queued (Linux: backlog <= maxpacket).
  if (queue_s <= kCoDelTarget_s || queue_segments <= 1) {
    w.above_target_s = 0;
    w.dropping = false;
    return false;
  }
  w.above_target_s += round_s;
  if (!w.dropping) {
    if (w.above_target_s < kCoDelInterval_s) return false;
    // Entering the dropping state soon after leaving it resumes near the last drop rate.
    const int delta = w.count - w.last_count;
    const bool recent = w.clock_s - w.drop_next_s < 16 * kCoDelInterval_s;
    w.count = delta > 1 && recent ? delta : 1;
    w.last_count = w.count;
    w.dropping = true;
    w.drop_next_s = w.clock_s + kCoDelInterval_s / std::sqrt(w.count);
    return true;
  }
  // One drop per round is all the window answers, so the schedule restarts from now.
  if (w.clock_s < w.drop_next_s) return false;
  ++w.count;
  w.drop_next_s = w.clock_s + kCoDelInterval_s / std::sqrt(w.count);
  return true;
}

// A loss among `window`'s round is seen when the ACKs of the segments after it come back,
// a round trip later; in slow start each earlier segment's ACK has grown the window by one
// by then (`acked_before`: the whole round for a queue's drop, which comes as the queue
// peaks at the round's end; a random loss's own position).
void ReduceAtLoss(CongestionWindow& w, double window, double acked_before,
                  const WindowRules& rules) {
  ++w.losses;
  w.cwnd = w.in_slow_start()
               ? std::min(window + std::min(acked_before, window), std::max(w.ssthresh, window))
               : window;
  if (!rules.newreno) {
    // Fast convergence: a window lost below the last maximum gives way to newer flows.
    w.w_max = w.cwnd < w.w_max ? w.cwnd * (1 + kCubicBeta) / 2 : w.cwnd;
    w.epoch_start_s = -1;
  }
  w.ssthresh = std::max(w.cwnd * Beta(rules), 2.0);
  w.cwnd = w.ssthresh;
}

// HyStart's delay test (RTT above clamp(RTT/8, 4 ms, 16 ms)) is not modelled: a round whose
// window is at most half the BDP queues nothing here, and a larger one ends slow start by
// the ACK train first.
void GrowInSlowStart(CongestionWindow& w, double window, double bdp, const WindowRules& rules) {
  double next = 2 * window;
  const bool hystart_armed = !rules.newreno && w.ssthresh == CongestionWindow::kNone;
  if (hystart_armed && window >= kHyStartLowWindow && window > bdp / 2) {
    // The next round's ACK train spans half a round trip once half a BDP is acked.
    next = std::min(next, window + bdp / 2);
    w.ssthresh = next;
  }
  w.cwnd = std::min(next, std::max(w.ssthresh, window));
}

void GrowInCongestionAvoidance(CongestionWindow& w, double window, const WindowPath& path,
                               const WindowRules& rules) {
  if (rules.newreno) {
    w.cwnd = window + 1;
    return;
  }
  if (w.epoch_start_s < 0) {
    w.epoch_start_s = w.clock_s;
    w.reno_estimate = window;
    if (w.w_max <= window) {
      w.k_s = 0;
      w.origin = window;
    } else {
      w.k_s = std::cbrt((w.w_max - window) / kCubicC);
      w.origin = w.w_max;
    }
  }
  const double t = w.clock_s - w.epoch_start_s + path.rtt_s;
  const double target = w.origin + kCubicC * std::pow(t - w.k_s, 3);
  double growth = target > window ? std::min(target - window, window / 2) : 0.01;
  if (w.w_max == 0) growth = std::max(growth, window * kFirstEpochGrowth);
  w.reno_estimate += kRenoFriendlyPerRound;
  if (w.reno_estimate > window)
    growth = std::max(growth, std::min(w.reno_estimate - window, window / 2));
  w.cwnd = window + growth;
}

// Segments from one random loss to the next: exponential with mean 1/p (the continuous form
// of a geometric draw per segment), from the connection's own SplitMix64 stream.
double NextLossGap(CongestionWindow& w, double p) {
  w.loss_draws += 0x9E3779B97F4A7C15ULL;
  const double u = static_cast<double>(MixSeed(w.loss_draws) >> 11) * 0x1.0p-53;  // [0, 1)
  return -std::log1p(-u) / p;
}

// Where the first random loss falls among the `window` segments of this round (segments
// sent before it), if one does; draws the gaps to the next one. However many fall in one
// round, the sender answers one.
std::optional<double> RandomLossIn(CongestionWindow& w, double window, const WindowPath& path) {
  if (path.loss_probability <= 0) return std::nullopt;
  if (w.segments_to_random_loss == CongestionWindow::kNone)  // never seeded: stream 0
    w.segments_to_random_loss = NextLossGap(w, path.loss_probability);
  const double before = std::max(0.0, w.segments_to_random_loss);
  w.segments_to_random_loss -= window;
  if (w.segments_to_random_loss > 0) return std::nullopt;
  while (w.segments_to_random_loss <= 0)
    w.segments_to_random_loss += NextLossGap(w, path.loss_probability);
  return before;
}

// The wait for a random loss among the last round's segments, `after` of them sent after
// it: with three or more behind it, their duplicate ACKs bring the repair a round trip after
// the lost segment left (less the time the later ones took to leave); with fewer, Linux's
// tail loss probe fires after two round trips, and the probe is the repair when the lost
// segment was the last, else reveals it for one more round trip.
double TailRepairSeconds(double after, const WindowPath& path) {
  const double segment_s = path.segment_bytes / path.rate_bytes_per_s;
  if (after >= 3) return std::max(0.0, path.rtt_s + (3 - after) * segment_s);
  return (after < 1 ? 2 : 3) * path.rtt_s;
}

// True once every later reduction still leaves the window at or above the path's BDP
// (never on a path with random loss: its cuts recur without bound).
bool NeverIdlesAgain(const CongestionWindow& w, double bdp, const WindowPath& path,
                     const WindowRules& rules) {
  if (path.loss_probability > 0 || w.in_slow_start() || w.cwnd < bdp) return false;
  return Beta(rules) * (bdp + DropPointSegments(path, rules)) >= bdp;
}

}  // namespace

void SeedRandomLoss(CongestionWindow& w, std::uint64_t seed, double p) {
  w.loss_draws = seed;
  w.segments_to_random_loss = NextLossGap(w, p);
}

void CongestionWindow::Restart(double restart_cwnd) {
  if (ssthresh != kNone) ssthresh = std::max(ssthresh, 0.75 * cwnd);
  cwnd = restart_cwnd;
  epoch_start_s = -1;
  recovering = false;
  at_full_rate = false;
}

void CongestionWindow::QueueDrained(double idle_s) {
  above_target_s = 0;
  dropping = false;
  // Linux's CoDel resumes its last drop rate only within 16 intervals of its schedule;
  // idle time does not move the connection's clock, so it is counted here.
  if (idle_s >= 16 * kCoDelInterval_s) last_count = count;
}

double SendOverRounds(CongestionWindow& w, double bytes, const WindowPath& path,
                      const WindowRules& rules) {
  const double rate = path.rate_bytes_per_s;
  const double bdp = rate * path.rtt_s / path.segment_bytes;  // segments
  double left = bytes / path.segment_bytes;
  double elapsed_s = 0;
  while (left > 0) {
    const double window = std::max(w.cwnd, 1.0);
    if (w.at_full_rate || left <= window) {
      // The last round's bytes (or all, at full rate) arrive at the bottleneck's pace.
      elapsed_s += left * path.segment_bytes / rate;
      w.clock_s += left * path.segment_bytes / rate;
      if (const auto loss_at = RandomLossIn(w, left, path); loss_at && !w.recovering) {
        elapsed_s += TailRepairSeconds(std::max(0.0, left - *loss_at - 1), path);
        ReduceAtLoss(w, window, *loss_at, rules);
      } else if (!w.at_full_rate && w.in_slow_start()) {
        w.cwnd = std::min(window + left, std::max(w.ssthresh, window));
      }
      w.recovering = false;
      break;
    }
    // A window larger than the BDP fills the link and leaves the rest queued.
    const double round_s = std::max(path.rtt_s, window * path.segment_bytes / rate);
    const double queue = std::max(0.0, window - bdp);
    const double queue_s = queue * path.segment_bytes / rate;
    left -= window;
    elapsed_s += round_s;
    w.clock_s += round_s;
    const bool dropped = QueueDrops(w, queue, queue_s, round_s, rules);
    const std::optional<double> random_loss_at = RandomLossIn(w, window, path);
    if (w.recovering) {
      // Recovery repairs what was sent before the first loss was seen; a random loss later
      // in the round after it is a new episode, answered once this one ends.
      if (random_loss_at) w.loss_pending = true;
    } else if (dropped || random_loss_at || w.loss_pending) {
      // The earliest loss is the one the sender sees first: a random one within the round
      // comes before the queue's drop at its peak.
      ReduceAtLoss(w, window, random_loss_at ? *random_loss_at : window, rules);
      w.loss_pending = false;
      w.recovering = true;
      continue;
    }
    w.recovering = false;
    if (w.in_slow_start()) {
      GrowInSlowStart(w, window, bdp, rules);
    } else {
      GrowInCongestionAvoidance(w, window, path, rules);
    }
    if (NeverIdlesAgain(w, bdp, path, rules)) w.at_full_rate = true;
  }
  return elapsed_s;
}

}  // namespace locosim
