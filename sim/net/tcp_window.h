// One TCP connection's congestion window, round trip by round trip, alone on its path: the
// part of TCP that decides how fast a transfer goes once slow start has found the path's rate.
// docs/algorithms.md, "Congestion avoidance".
//
// Each round sends the window. A window below the bandwidth-delay product takes one round
// trip; a larger one fills the bottleneck for window/rate and leaves the excess standing in
// its queue. The queue decides when a loss comes:
//   CoDel (fq_codel, Linux's and ns-3's default; red is taken as the same 5 ms target): once
//     the standing queue's delay has stayed above 5 ms for 100 ms, a packet is dropped, then
//     the next ones at 100 ms / sqrt(count) while it stays above (RFC 8289, with Linux's
//     count memory on re-entry);
//   drop-tail (pfifo): a loss when the standing queue exceeds the queue's limit.
// The congestion control answers one loss per round (a recovery round follows):
//   cubic (Linux's rules, RFC 8312): slow start doubles the window; HyStart leaves it once
//     the window is at least 16 segments and a round's ACK train spans half a round trip
//     (the window then holds between one and one and a half bandwidth-delay products; the
//     delay test is not modelled, as the ACK train always comes first here). A loss in slow
//     start is seen a round trip later, on the window grown by the ACKs of the segments
//     before it (a queue's drop, at the round's end: doubled). In congestion avoidance the window
//     follows W(t) = origin + C(t - K)^3 (C 0.4, t from the epoch's start plus one round trip),
//     growing at most by half per round, at least 5% per round until the first loss, and no
//     slower than the Reno-friendly estimate (+0.53 segment per round). A loss multiplies
//     the window by 0.7 and sets W_max (fast convergence: 0.85 of the window when below the
//     last W_max);
//   newreno: slow start to the first loss, then +1 segment per round, halved per loss.
// Random loss on the path (a link's loss_rate p) is drawn, seeded, per connection: the gaps
// between losses are exponential with a mean of 1/p segments (CongestionWindow::loss_draws),
// and the losses of one round are answered as one (SACK recovery), seen when the segments
// after the first come back; a loss in the recovery round after it is a new episode, cut once
// that round ends. A loss in a transfer's last round costs its repair (duplicate ACKs, or
// Linux's tail loss probe when fewer than three segments follow it); the queue's drops are
// not taken there. So a short transfer sees slow start, a cut where the draw puts
// it and the window's slow return; a long one settles where CUBIC's (or Reno's) response
// to random loss puts it; and a transfer split over streams, or a collective, ends with its
// unluckiest connection, as on a real network: one seed is one draw.
// A CUBIC window whose reduction still covers the path (0.7 of the window at the queue's
// drop point is at least the bandwidth-delay product: round trips under ~12 ms with CoDel)
// never leaves the link idle again on a loss-free path, so the walk stops there and the
// rest goes at the full rate; likewise for newreno at half.
#pragma once

#include <cstdint>
#include <limits>

namespace locosim {

struct WindowPath {
  double rate_bytes_per_s = 0;  // the connection's uncontended rate
  double rtt_s = 0;             // base round trip, without queueing
  double segment_bytes = 8948;
  double loss_probability = 0;  // per segment, random, over the whole path
};

enum class BottleneckQueue { kCoDel, kDropTail };

struct WindowRules {
  bool newreno = false;  // else cubic
  BottleneckQueue queue = BottleneckQueue::kCoDel;
  double queue_limit_packets = 10240;  // fq_codel's; 1000 for pfifo
};

// A connection's state between its transfers. Windows are in segments; times are the
// connection's own clock, which runs only while it sends (Linux shifts CUBIC's epoch over
// idle time in the same way).
struct CongestionWindow {
  static constexpr double kNone = std::numeric_limits<double>::infinity();

  double cwnd = 2;
  double ssthresh = kNone;
  double w_max = 0;  // the window at the last loss (0: none yet)
  double reno_estimate = 0;
  double epoch_start_s = -1;  // < 0: no epoch (the next round starts one)
  double k_s = 0;
  double origin = 0;
  bool recovering = false;    // the round after a loss
  bool loss_pending = false;  // a random loss in that round, answered after it
  bool at_full_rate = false;  // the walk has stopped: the link stays full from here
  double clock_s = 0;
  int losses = 0;
  // Segments still to send before the next random loss (when the path has any), and the
  // state of the connection's own stream of draws (SplitMix64).
  double segments_to_random_loss = kNone;
  std::uint64_t loss_draws = 0;
  // CoDel's state (RFC 8289).
  double above_target_s = 0;
  bool dropping = false;
  int count = 0;  // at most one more per round
  int last_count = 0;
  double drop_next_s = 0;

  bool in_slow_start() const { return cwnd < ssthresh; }
  // Slow start again from `cwnd` (a restart after idle): ssthresh keeps the larger of itself
  // and 3/4 of the window before (Linux's tcp_cwnd_restart), the epoch and the queue reset.
  void Restart(double restart_cwnd);
  // The connection sat idle for `idle_s`: its queue has drained, so CoDel is no longer
  // counting, and after long enough it forgets its last drop rate.
  void QueueDrained(double idle_s);
};

// Seeds `window`'s loss draws with `seed` and draws its first loss on a path of loss p.
void SeedRandomLoss(CongestionWindow& window, std::uint64_t seed, double p);

// Sends `bytes` on `window` over `path`: the seconds from the first byte leaving to the last
// byte arriving, less the path's one-way latency (a fluid transfer alone takes bytes/rate).
// `window` is left as the transfer leaves it.
double SendOverRounds(CongestionWindow& window, double bytes, const WindowPath& path,
                      const WindowRules& rules);

}  // namespace locosim
