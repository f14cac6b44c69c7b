// Small topologies and a one-transfer runner shared by the ns-3 backend tests.
#pragma once

#include <string>
#include <vector>

#include "sim/backends/network_factory.h"
#include "sim/core/units.h"
#include "sim/net/topology.h"

namespace locosim::testing_ns3 {

// Nodes "n0".."n{k-1}" in a line, each link with the given rate and one-way latency;
// replicas are the two ends.
inline Topology Line(int nodes, BitsPerSecond rate, SimTime latency, double loss_rate = 0) {
  Topology t;
  t.name = "line";
  for (int i = 0; i < nodes; ++i) t.nodes.push_back({"n" + std::to_string(i), ""});
  for (int i = 0; i + 1 < nodes; ++i) {
    t.links.push_back(Link{"l" + std::to_string(i), i, i + 1, rate, latency, loss_rate, {}, {}});
  }
  t.replicas = {0, nodes - 1};
  return t;
}

// The time from now until `bytes` sent from src has reached dst.
inline SimTime TimeOfOneTransfer(Simulation& sim, NodeIndex src, NodeIndex dst, Bytes bytes) {
  const SimTime start = sim.loop->now();
  SimTime done = SimTime::Max();
  sim.network->transfer(src, dst, bytes, [&] { done = sim.loop->now(); });
  sim.loop->run();
  return done - start;
}

inline Simulation Ns3(const Topology& t, NetworkOptions options = {}) {
  return std::move(*MakeSimulation("ns3", t, options));
}

}  // namespace locosim::testing_ns3
