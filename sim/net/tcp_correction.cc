#include "sim/net/tcp_correction.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>

#include "sim/core/rng.h"

namespace locosim {

SlowStart SlowStartExtra(Bytes bytes, double cwnd, SimTime rtt, BitsPerSecond rate) {
  const double r = rate.bytes_per_second();
  const double bdp = r * rtt.seconds();
  const double b = static_cast<double>(bytes.count());
  // Round k sends the window; the window doubles until it covers the bandwidth-delay
  // product (then the rest goes at the full rate) or until this round holds what is left.
  double sent = 0;
  double window = std::max(cwnd, 1.0);
  int rounds = 0;
  while (window < bdp && sent + window < b) {
    sent += window;
    window *= 2;
    ++rounds;
  }
  // The other b - sent bytes leave at the full rate from the start of round rounds+1, so
  // the last byte arrives rounds·RTT + (b - sent)/R + latency after the first was sent,
  // against b/R + latency in the fluid model.
  const double extra_s = rounds * rtt.seconds() - sent / r;
  const bool ended_in_slow_start = window < bdp;
  const double window_after = ended_in_slow_start ? 2 * window : window;
  return SlowStart{SimTime::FromSeconds(std::max(0.0, extra_s)), std::min(window_after, bdp)};
}

namespace {

// The rules for a path whose bottleneck link's queue is `queue`: its limit when it has one,
// else the queue discipline's default (as the ns3 and real backends).
WindowRules WindowRulesFor(const TcpCorrection& params, const QueueLimit& queue) {
  WindowRules rules;
  rules.newreno = params.congestion_control == "newreno";
  if (params.queue_disc == "pfifo") {
    rules.queue = BottleneckQueue::kDropTail;
    rules.queue_limit_packets = 1000;  // Linux's txqueuelen
  }
  if (queue.packets > 0) rules.queue_limit_packets = static_cast<double>(queue.packets);
  if (queue.bytes.count() > 0) {
    rules.queue_limit_packets =
        static_cast<double>(queue.bytes.count()) / static_cast<double>(params.segment.count());
  }
  return rules;
}

// The queue limit of the link whose bandwidth is `path`'s bottleneck (the first such, from
// the source); unset for an empty path.
QueueLimit BottleneckQueueLimit(const Topology& topology, const Path& path) {
  for (Channel c : path.channels) {
    const Link& link = topology.links[LinkOfChannel(c)];
    if (link.bandwidth == path.bottleneck) return link.queue;
  }
  return QueueLimit{};
}

constexpr double kSegmentsPerAck = 2;  // b: delayed ACKs

// PFTK's expected time per segment lost to retransmission timeouts.
double TimeoutSecondsPerSegment(SimTime rtt, double p, SimTime rto) {
  const double b = kSegmentsPerAck;
  const double t0 = std::max(rto.seconds(), 2 * rtt.seconds());
  return t0 * std::min(1.0, 3 * std::sqrt(3 * b * p / 8)) * p * (1 + 32 * p * p);
}

double CubicWindowSegments(SimTime rtt, double p) {
  constexpr double c = 0.4, beta = 0.7;
  const double cubic = std::pow(c * (3 + beta) / (4 * (1 - beta)), 0.25) *
                       std::pow(rtt.seconds(), 0.75) / std::pow(p, 0.75);
  const double reno_friendly = std::sqrt(3 / (2 * kSegmentsPerAck * p));
  return std::max(cubic, reno_friendly);
}

}  // namespace

double ExpectedLossyBytesOfSlowestStream(double part_bytes, Bytes segment, double p, int streams) {
  // Each stream's first loss comes after X bytes, X exponential with mean MSS/p (one loss
  // per 1/p segments, at random). The transfer ends with its slowest stream: the one whose
  // first loss came earliest, so the most of whose part goes at the response rate. The
  // earliest of k such X is exponential with mean mu = MSS/(k·p), and for Y ~ Exp(mu),
  // E[(part - Y)+] = part - mu·(1 - e^(-part/mu)).
  const double mu = static_cast<double>(segment.count()) / (p * streams);
  return std::max(0.0, part_bytes + mu * std::expm1(-part_bytes / mu));
}

BitsPerSecond LossLimitedRate(Bytes segment, SimTime rtt, double p, SimTime rto) {
  const double b = kSegmentsPerAck;
  const double denominator =
      rtt.seconds() * std::sqrt(2 * b * p / 3) + TimeoutSecondsPerSegment(rtt, p, rto);
  return BitsPerSecond(segment.bits() / denominator);
}

BitsPerSecond CubicLossLimitedRate(Bytes segment, SimTime rtt, double p, SimTime rto) {
  const double denominator =
      rtt.seconds() / CubicWindowSegments(rtt, p) + TimeoutSecondsPerSegment(rtt, p, rto);
  return BitsPerSecond(segment.bits() / denominator);
}

std::optional<BitsPerSecond> LossResponseRate(const std::string& congestion_control, Bytes segment,
                                              SimTime rtt, double p, SimTime rto) {
  if (congestion_control == "bbr") return std::nullopt;
  if (congestion_control == "newreno") return LossLimitedRate(segment, rtt, p, rto);
  return CubicLossLimitedRate(segment, rtt, p, rto);
}

TcpCorrection TcpCorrectionFor(const NetworkOptions& options) {
  const NetworkOptions::Tcp& tcp = options.tcp;
  TcpCorrection c;
  c.startup = tcp.startup;
  c.restart_after_idle = tcp.slow_start_after_idle;
  c.congestion_avoidance = tcp.congestion_avoidance;
  c.queue_disc = options.ns3.queue_disc;
  c.streams = tcp.streams;
  c.segment = Bytes(tcp.segment_bytes());
  c.initial_cwnd_segments = tcp.initial_cwnd_segments;
  c.min_rto = tcp.min_rto;
  c.congestion_control = tcp.congestion_control;
  c.loss_seed = options.loss_seed;
  return c;
}

double RestartWindow(double cwnd, double initial, SimTime idle, SimTime rto) {
  if (idle <= rto) return cwnd;
  const double restart = std::min(initial, cwnd);
  // As Linux: while ((delta -= rto) > 0 && cwnd > restart) cwnd >>= 1.
  for (SimTime delta = idle - rto; delta > SimTime() && cwnd > restart; delta -= rto) cwnd /= 2;
  return std::max(cwnd, restart);
}

TcpCorrectedNetwork::TcpCorrectedNetwork(EventLoop& loop, std::unique_ptr<Network> inner,
                                         TcpCorrection params, bool inner_shares)
    : loop_(loop),
      inner_(std::move(inner)),
      params_(params),
      inner_shares_(inner_shares),
      routing_(inner_->topology()) {}

SimTime TcpCorrectedNetwork::Delay(NodeIndex src, NodeIndex dst, int stream, int streams,
                                   Bytes bytes) {
  const Path& path = routing_.path(src, dst);
  const SimTime rtt = path.latency + path.latency;
  // Alone on its path, each of the transfer's streams gets an equal share.
  BitsPerSecond rate(path.bottleneck.bps() / streams);
  double extra_s = 0;
  double delivered = 1;
  for (Channel c : path.channels) delivered *= 1 - topology().links[LinkOfChannel(c)].loss_rate;
  const double p = 1 - delivered;
  const bool walks = params_.congestion_avoidance && params_.congestion_control != "bbr";
  const double segment = static_cast<double>(params_.segment.count());
  if (p > 0 && walks) {
    // The window's walk below answers every random loss, drawn per connection; PFTK's
    // timeouts come on top, as an expectation, for the bytes after the first (a loss that
    // finds too few segments behind it for fast retransmit waits for the timer).
    const double lossy = ExpectedLossyBytesOfSlowestStream(static_cast<double>(bytes.count()),
                                                           params_.segment, p, 1);
    extra_s += lossy / segment * TimeoutSecondsPerSegment(rtt, p, params_.min_rto);
  } else if (p > 0) {
    // The bytes before the stream's first loss go at the loss-free rate, the rest at the
    // congestion control's response rate (if lower): alone on its path the part then takes
    // lossless/rate + lossy/capped instead of bytes/rate.
    const double lossy = ExpectedLossyBytesOfSlowestStream(static_cast<double>(bytes.count()),
                                                           params_.segment, p, streams);
    const auto capped =
        LossResponseRate(params_.congestion_control, params_.segment, rtt, p, params_.min_rto);
    if (capped && *capped < rate && lossy > 0)
      extra_s += 8 * lossy * (1 / capped->bps() - 1 / rate.bps());
  }
  const double bdp = rate.bytes_per_second() * rtt.seconds();
  auto [it, opened] = connections_.try_emplace(Key{src, dst, stream});
  CongestionWindow& window = it->second.window;
  if (opened) {
    it->second.rules = WindowRulesFor(params_, BottleneckQueueLimit(topology(), path));
    window.cwnd = params_.startup ? params_.initial_cwnd_segments : bdp / segment;
    if (!params_.startup) window.ssthresh = window.cwnd;
    if (p > 0 && walks) {
      const std::uint64_t connection =
          MixSeed((std::uint64_t(src) << 42) ^ (std::uint64_t(dst) << 20) ^ std::uint64_t(stream));
      SeedRandomLoss(window, MixSeed(params_.loss_seed ^ connection), p);
    }
    // The handshake, then the first window's last segment waits for the delayed ACK (at
    // most a round trip: a later round's ACK releases it).
    if (params_.startup) extra_s += (rtt + std::min(params_.delayed_ack, rtt)).seconds();
  } else if (it->second.in_flight == 0) {
    const SimTime idle = loop_.now() - it->second.last_send;
    if (params_.restart_after_idle) {
      const double before = window.cwnd;
      const double after =
          RestartWindow(before, params_.initial_cwnd_segments, idle, rtt + params_.min_rto);
      if (after < before) window.Restart(after);
    }
    window.QueueDrained(idle.seconds());
  }
  if (walks) {
    const double sent = static_cast<double>(bytes.count());
    const WindowPath shape{rate.bytes_per_second(), rtt.seconds(), segment, p};
    // Never below zero: full-rate rounds summed may round a hair under bytes / rate.
    extra_s += std::max(0.0, SendOverRounds(window, sent, shape, it->second.rules) -
                                 sent / rate.bytes_per_second());
  } else if (params_.startup || params_.restart_after_idle) {
    const SlowStart ramp = SlowStartExtra(bytes, window.cwnd * segment, rtt, rate);
    window.cwnd = ramp.cwnd_after / segment;
    extra_s += ramp.extra.seconds();
  }
  Connection& connection = it->second;
  ++connection.in_flight;
  return SimTime::FromSeconds(extra_s);
}

void TcpCorrectedNetwork::Delivered(NodeIndex src, NodeIndex dst, int stream) {
  Connection& connection = connections_.at(Key{src, dst, stream});
  --connection.in_flight;
  // The last byte left the sender one path latency before it arrived.
  connection.last_send = loop_.now() - routing_.path(src, dst).latency;
}

void TcpCorrectedNetwork::transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) {
  if (bytes.count() == 0) {
    inner_->transfer(src, dst, bytes, std::move(on_done));
    return;
  }
  const int streams = StreamsFor(bytes, params_.streams);
  if (!inner_shares_) {
    // One flow for the whole transfer, after the slowest stream's delay; every stream's
    // connection is busy until it is delivered.
    SimTime delay;
    for (int stream = 0; stream < streams; ++stream) {
      const Bytes part = StreamPart(bytes, streams, stream);
      delay = std::max(delay, Delay(src, dst, stream, streams, part));
    }
    auto send = [this, src, dst, bytes, streams, on_done = std::move(on_done)]() mutable {
      inner_->transfer(src, dst, bytes, [this, src, dst, streams, on_done = std::move(on_done)] {
        for (int stream = 0; stream < streams; ++stream) Delivered(src, dst, stream);
        on_done();
      });
    };
    if (delay == SimTime()) {
      send();
    } else {
      loop_.after(delay, std::move(send));
    }
    return;
  }
  auto remaining = std::make_shared<int>(streams);
  auto done = std::make_shared<OnDone>(std::move(on_done));
  for (int stream = 0; stream < streams; ++stream) {
    const Bytes part = StreamPart(bytes, streams, stream);
    const SimTime delay = Delay(src, dst, stream, streams, part);
    auto send = [this, src, dst, stream, part, remaining, done] {
      inner_->transfer(src, dst, part, [this, src, dst, stream, remaining, done] {
        Delivered(src, dst, stream);
        if (--*remaining == 0) (*done)();
      });
    };
    if (delay == SimTime()) {
      send();
    } else {
      loop_.after(delay, std::move(send));
    }
  }
}

}  // namespace locosim
