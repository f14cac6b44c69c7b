// Static routes: the path of least total one-way latency, ties broken by fewer hops and then
// by the lower-numbered previous node, so that routes are the same on every run. Paths are
// computed per source on first use (Dijkstra) and cached.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/net/topology.h"

namespace locosim {

struct Path {
  std::vector<Channel> channels;  // in order from source to destination
  SimTime latency;                // sum of one-way link latencies
  BitsPerSecond bottleneck;       // smallest link bandwidth on the path
};

class Routing {
 public:
  // `topology` must outlive this object.
  explicit Routing(const Topology& topology);

  // REQUIRES: Reachable(src, dst) and src != dst.
  const Path& path(NodeIndex src, NodeIndex dst);
  bool Reachable(NodeIndex src, NodeIndex dst);

 private:
  // Per source: the channel entering each node on its best path (-1 if none); empty until
  // first needed.
  const std::vector<Channel>& TreeFrom(NodeIndex src);

  const Topology& topology_;
  std::vector<std::vector<Channel>> out_channels_;  // per node, sorted by channel
  std::vector<std::vector<Channel>> trees_;         // per source
  std::unordered_map<std::int64_t, Path> paths_;    // key src * node_count + dst
};

}  // namespace locosim
