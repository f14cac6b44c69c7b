// The alpha-beta model: each transfer behaves as if alone on its route, taking the path's
// one-way latency plus the serialisation time at the path's bottleneck rate. No contention,
// so it is a lower bound on every other backend and exact where nothing is shared.
#pragma once

#include "sim/core/event_loop.h"
#include "sim/net/network.h"
#include "sim/net/routing.h"

namespace locosim {

class AnalyticNetwork final : public Network {
 public:
  // `loop` and `topology` must outlive this object.
  AnalyticNetwork(EventLoop& loop, const Topology& topology);

  void transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) override;
  std::vector<double> channel_bytes() const override { return channel_bytes_; }
  const Topology& topology() const override { return topology_; }

 private:
  EventLoop& loop_;
  const Topology& topology_;
  Routing routing_;
  std::vector<double> channel_bytes_;
};

}  // namespace locosim
