// The network as a graph: nodes, full-duplex links, and which nodes host replicas.
// Plain data; built by the JSON loader (sim/config/topology_json.h) or a generator
// (sim/topogen/), validated once, then handed to backends, which never see JSON.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/units.h"

namespace locosim {

using NodeIndex = int;

struct Node {
  std::string id;
  std::string region;  // optional grouping label, e.g. "eu-west"; empty if none
};

// A queue limit in packets or bytes (whichever is non-zero); zero means backend default.
struct QueueLimit {
  std::int64_t packets = 0;
  Bytes bytes;
  bool is_set() const { return packets > 0 || bytes.count() > 0; }
};

// An extra one-way delay, drawn afresh (seeded) for every transfer that crosses the link:
// the random message times of the NoLoCo paper's latency study, or a path whose delay varies.
struct LatencyJitter {
  enum class Distribution { kNone, kLognormal, kExponential, kUniform };
  Distribution distribution = Distribution::kNone;
  SimTime mean;  // of the extra delay; lognormal: mean·exp(σZ − σ²/2); uniform: [0, 2·mean]
  double sigma = 0;  // lognormal: σ of the delay's logarithm
  bool active() const { return distribution != Distribution::kNone && mean > SimTime(); }
};

// A full-duplex point-to-point link: each direction has the full bandwidth.
struct Link {
  std::string id;
  NodeIndex a = 0;
  NodeIndex b = 0;
  BitsPerSecond bandwidth;
  SimTime latency;  // one way
  double loss_rate =
      0.0;  // per packet, in [0, 1): ns3 and real drop packets, the fluids draw losses
  QueueLimit queue;
  LatencyJitter jitter;  // none by default
};

// One direction of a link: channel 2*link is a->b, 2*link+1 is b->a. Flow-level backends
// share capacity per channel.
using Channel = int;
inline int LinkOfChannel(Channel c) { return c / 2; }

struct Topology {
  std::string name;
  std::vector<Node> nodes;
  std::vector<Link> links;
  std::vector<NodeIndex> replicas;  // replica r runs on node replicas[r]

  int node_count() const { return static_cast<int>(nodes.size()); }
  int replica_count() const { return static_cast<int>(replicas.size()); }
  int channel_count() const { return 2 * static_cast<int>(links.size()); }
  BitsPerSecond channel_bandwidth(Channel c) const { return links[LinkOfChannel(c)].bandwidth; }
  SimTime channel_latency(Channel c) const { return links[LinkOfChannel(c)].latency; }
  NodeIndex channel_source(Channel c) const {
    const Link& l = links[LinkOfChannel(c)];
    return c % 2 == 0 ? l.a : l.b;
  }
  NodeIndex channel_target(Channel c) const {
    const Link& l = links[LinkOfChannel(c)];
    return c % 2 == 0 ? l.b : l.a;
  }
  // -1 if no such node.
  NodeIndex FindNode(const std::string& id) const;
};

}  // namespace locosim
