#include "sim/net/analytic_network.h"

namespace locosim {

AnalyticNetwork::AnalyticNetwork(EventLoop& loop, const Topology& topology)
    : loop_(loop),
      topology_(topology),
      routing_(topology),
      channel_bytes_(static_cast<std::size_t>(topology.channel_count()), 0.0) {}

void AnalyticNetwork::transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) {
  const Path& path = routing_.path(src, dst);
  for (Channel c : path.channels) channel_bytes_[c] += static_cast<double>(bytes.count());
  loop_.after(path.latency + TransmissionTime(bytes, path.bottleneck), std::move(on_done));
}

}  // namespace locosim
