// Latency jitter (sim/net/topology.h, LatencyJitter) over any network: every transfer's last
// byte arrives later by the sum, over the links of its route, of one draw from each link's
// distribution. Draws are seeded, one stream per link, taken in transfer order, so a run is
// deterministic. The extra delay is one way: it does not slow TCP's ramp.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/core/event_loop.h"
#include "sim/core/rng.h"
#include "sim/net/network.h"
#include "sim/net/routing.h"

namespace locosim {

// One draw of `jitter`. REQUIRES: jitter.active().
SimTime DrawJitter(const LatencyJitter& jitter, Rng& rng);

class JitteredNetwork final : public Network {
 public:
  // `loop` and `inner`'s topology must outlive this object.
  JitteredNetwork(EventLoop& loop, std::unique_ptr<Network> inner, std::uint64_t seed);

  void transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) override;
  std::vector<double> channel_bytes() const override { return inner_->channel_bytes(); }
  const Topology& topology() const override { return inner_->topology(); }

 private:
  EventLoop& loop_;
  std::unique_ptr<Network> inner_;
  Routing routing_;
  std::vector<Rng> rng_;  // per link
};

// Whether any link of `topology` has jitter.
bool HasJitter(const Topology& topology);

}  // namespace locosim
