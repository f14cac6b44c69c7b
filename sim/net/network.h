// The one interface every network backend implements: move bytes from one node to another
// and say when the last byte has arrived. Backends are chosen by name in
// sim/backends/network_factory.h; nothing here knows which ones exist.
#pragma once

#include <functional>
#include <vector>

#include "sim/core/units.h"
#include "sim/net/network_stall.h"
#include "sim/net/topology.h"

namespace locosim {

class Network {
 public:
  using OnDone = std::function<void()>;

  virtual ~Network() = default;

  // Starts sending `bytes` from node `src` to node `dst` now. `on_done` runs from the event
  // loop at the virtual time the last byte is received. A zero-byte transfer completes after
  // the path latency. REQUIRES: src != dst, and a route between them.
  virtual void transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) = 0;

  // Bytes carried so far by each channel (link direction, see Channel), payload only.
  virtual std::vector<double> channel_bytes() const = 0;

  virtual const Topology& topology() const = 0;

  // Set when the backend's watchdog found that no transfer made progress and stopped the
  // event loop: run() then returned with transfers still pending. Null otherwise (always,
  // for the fluid backends).
  virtual const NetworkStall* stall() const { return nullptr; }
};

}  // namespace locosim
