#include "sim/net/tcp_correction.h"

#include <algorithm>
#include <cmath>

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

BitsPerSecond LossLimitedRate(Bytes segment, SimTime rtt, double p, SimTime rto) {
  const double b = 2;  // segments acknowledged per ACK
  const double r = rtt.seconds();
  const double t0 = std::max(rto.seconds(), 2 * r);
  const double denominator =
      r * std::sqrt(2 * b * p / 3) +
      t0 * std::min(1.0, 3 * std::sqrt(3 * b * p / 8)) * p * (1 + 32 * p * p);
  return BitsPerSecond(segment.bits() / denominator);
}

TcpCorrectedNetwork::TcpCorrectedNetwork(EventLoop& loop, std::unique_ptr<Network> inner,
                                         TcpCorrection params)
    : loop_(loop), inner_(std::move(inner)), params_(params), routing_(inner_->topology()) {}

SimTime TcpCorrectedNetwork::Delay(NodeIndex src, NodeIndex dst, Bytes bytes) {
  const Path& path = routing_.path(src, dst);
  const SimTime rtt = path.latency + path.latency;
  BitsPerSecond rate = path.bottleneck;
  double extra_s = 0;
  if (params_.loss) {
    double delivered = 1;
    for (Channel c : path.channels) delivered *= 1 - topology().links[LinkOfChannel(c)].loss_rate;
    const double p = 1 - delivered;
    if (p > 0) {
      const BitsPerSecond capped = LossLimitedRate(params_.segment, rtt, p, params_.min_rto);
      if (capped < rate) {
        // Alone on its path the transfer takes bytes/capped, not bytes/bottleneck.
        extra_s += bytes.bits() / capped.bps() - bytes.bits() / rate.bps();
        rate = capped;
      }
    }
  }
  if (params_.startup) {
    auto [it, opened] = cwnd_.try_emplace({src, dst}, 0.0);
    if (opened) {
      // The handshake, then the first window's last segment waits for the delayed ACK (at
      // most a round trip: a later round's ACK releases it).
      extra_s += (rtt + std::min(params_.delayed_ack, rtt)).seconds();
      it->second = static_cast<double>(params_.segment.count() * params_.initial_cwnd_segments);
    }
    const SlowStart ramp = SlowStartExtra(bytes, it->second, rtt, rate);
    it->second = ramp.cwnd_after;
    extra_s += ramp.extra.seconds();
  }
  return SimTime::FromSeconds(extra_s);
}

void TcpCorrectedNetwork::transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) {
  const SimTime delay = bytes.count() == 0 ? SimTime() : Delay(src, dst, bytes);
  if (delay == SimTime()) {
    inner_->transfer(src, dst, bytes, std::move(on_done));
    return;
  }
  loop_.after(delay, [this, src, dst, bytes, on_done = std::move(on_done)]() mutable {
    inner_->transfer(src, dst, bytes, std::move(on_done));
  });
}

}  // namespace locosim
