#include "sim/net/jittered_network.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace locosim {

SimTime DrawJitter(const LatencyJitter& jitter, Rng& rng) {
  const double mean = jitter.mean.seconds();
  double extra = 0;
  switch (jitter.distribution) {
    case LatencyJitter::Distribution::kLognormal:
      extra = mean * rng.lognormal(-jitter.sigma * jitter.sigma / 2, jitter.sigma);
      break;
    case LatencyJitter::Distribution::kExponential:
      extra = -mean * std::log(1 - rng.uniform());
      break;
    case LatencyJitter::Distribution::kUniform:
      extra = 2 * mean * rng.uniform();
      break;
    case LatencyJitter::Distribution::kNone:
      assert(false && "REQUIRES: jitter.active()");
  }
  return SimTime::FromSeconds(extra);
}

JitteredNetwork::JitteredNetwork(EventLoop& loop, std::unique_ptr<Network> inner,
                                 std::uint64_t seed)
    : loop_(loop), inner_(std::move(inner)), routing_(inner_->topology()) {
  for (std::size_t l = 0; l < topology().links.size(); ++l) {
    rng_.push_back(Rng::Stream(seed, "latency jitter", l));
  }
}

void JitteredNetwork::transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) {
  SimTime extra;
  for (Channel c : routing_.path(src, dst).channels) {
    const int l = LinkOfChannel(c);
    const LatencyJitter& jitter = topology().links[l].jitter;
    if (jitter.active()) extra += DrawJitter(jitter, rng_[l]);
  }
  if (extra == SimTime()) {
    inner_->transfer(src, dst, bytes, std::move(on_done));
    return;
  }
  inner_->transfer(src, dst, bytes, [this, extra, on_done = std::move(on_done)]() mutable {
    loop_.after(extra, std::move(on_done));
  });
}

bool HasJitter(const Topology& topology) {
  return std::any_of(topology.links.begin(), topology.links.end(),
                     [](const Link& l) { return l.jitter.active(); });
}

}  // namespace locosim
