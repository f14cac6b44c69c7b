#include "sim/net/routing.h"

#include <algorithm>
#include <cassert>
#include <queue>
#include <tuple>

namespace locosim {

Routing::Routing(const Topology& topology)
    : topology_(topology), out_channels_(topology.nodes.size()), trees_(topology.nodes.size()) {
  for (Channel c = 0; c < topology.channel_count(); ++c) {
    out_channels_[topology.channel_source(c)].push_back(c);
  }
}

const std::vector<Channel>& Routing::TreeFrom(NodeIndex src) {
  std::vector<Channel>& via = trees_[src];
  if (!via.empty()) return via;
  const int n = topology_.node_count();
  // Order: (latency, hops, previous node) lexicographically; deterministic ties.
  using Key = std::tuple<std::int64_t, int, NodeIndex>;
  std::vector<Key> best(n, Key{INT64_MAX, INT32_MAX, INT32_MAX});
  via.assign(n, -1);
  std::vector<bool> done(n, false);
  using Entry = std::pair<Key, NodeIndex>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> frontier;
  best[src] = Key{0, 0, -1};
  frontier.push({best[src], src});
  while (!frontier.empty()) {
    const auto [key, node] = frontier.top();
    frontier.pop();
    if (done[node]) continue;
    done[node] = true;
    for (Channel c : out_channels_[node]) {
      const NodeIndex next = topology_.channel_target(c);
      const Key candidate{std::get<0>(key) + topology_.channel_latency(c).nanoseconds(),
                          std::get<1>(key) + 1, node};
      if (candidate < best[next]) {
        best[next] = candidate;
        via[next] = c;
        frontier.push({candidate, next});
      }
    }
  }
  return via;
}

bool Routing::Reachable(NodeIndex src, NodeIndex dst) {
  return src == dst || TreeFrom(src)[dst] >= 0;
}

const Path& Routing::path(NodeIndex src, NodeIndex dst) {
  assert(src != dst && Reachable(src, dst));
  const std::vector<Channel>& via = TreeFrom(src);
  Path& path = paths_[static_cast<std::int64_t>(src) * topology_.node_count() + dst];
  if (!path.channels.empty()) return path;
  for (NodeIndex node = dst; node != src;) {
    const Channel c = via[node];
    path.channels.push_back(c);
    node = topology_.channel_source(c);
  }
  std::reverse(path.channels.begin(), path.channels.end());
  path.bottleneck = topology_.channel_bandwidth(path.channels.front());
  for (Channel c : path.channels) {
    path.latency += topology_.channel_latency(c);
    path.bottleneck = std::min(path.bottleneck, topology_.channel_bandwidth(c));
  }
  return path;
}

}  // namespace locosim
