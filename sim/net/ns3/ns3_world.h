// Topology -> ns-3: one ns-3 node per topology node, one PointToPoint link per topology link
// (rate, one-way delay, MTU), a queue disc on every device, an optional RateErrorModel on
// every receiving device, a /30 per link, and IPv4 global routing whose interface metrics are
// the link latencies, so that ns-3 routes on the least-latency paths that sim/net/routing.h
// computes for the other backends.
#pragma once

#include <cstdint>
#include <vector>

#include "ns3/ipv4-address.h"
#include "ns3/node-container.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/ptr.h"

#include "sim/net/network_options.h"
#include "sim/net/topology.h"

namespace locosim {

struct Ns3World {
  ns3::NodeContainer nodes;               // nodes.Get(i) is topology node i
  std::vector<ns3::Ipv4Address> address;  // per node: the address connections go to
  // Per channel (see Channel in topology.h): the device that transmits in that direction.
  std::vector<ns3::Ptr<ns3::PointToPointNetDevice>> sender;
};

// Queue size used when a link has no queue limit: ns-3's (and Linux's) FqCoDel default of
// 10240 packets; Linux's txqueuelen of 1000 packets for pfifo and RED.
std::int64_t DefaultQueuePackets(const std::string& queue_disc);

// Builds the ns-3 side of `topology` inside the current (fresh) ns-3 simulation: sets the
// random seed, the TCP variant on every node, queue discs, loss and routes. REQUIRES:
// options were checked by CheckNs3Options (ns3_simulation.h).
Ns3World BuildNs3World(const Topology& topology, const NetworkOptions& options);

}  // namespace locosim
