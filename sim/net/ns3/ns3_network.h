// The ns-3 packet-level backend: every transfer is real TCP (Cubic by default) over
// PointToPoint links with queue discs and optional loss, built from the Topology by
// ns3_world.h. See docs/ns3.md for every modelling choice and its measured effect.
//
// What it counts: channel_bytes() is TCP payload carried by each channel, retransmissions
// included, headers excluded; channel_wire_bytes() is every frame on the wire (PPP + IPv4 +
// TCP headers, ACKs, retransmissions).
//
// Parallel streams: a transfer is split over options.tcp.streams connections of its own
// (src, dst, stream), in near-equal parts, and delivered when its last part is.
//
// The watchdog: while any transfer is pending, if no byte reaches the application of any
// connection for options.stall_timeout of simulated time, the watchdog stops the loop and
// stall() lists the pending transfers, instead of running forever.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/net/network.h"
#include "sim/net/network_options.h"
#include "sim/net/ns3/ns3_event_loop.h"

namespace locosim {

class Ns3Network final : public Network {
 public:
  // Builds the ns-3 nodes, links and routes now. `loop` and `topology` must outlive this
  // object, which must be destroyed before `loop`. REQUIRES: CheckNs3Options(options) is
  // empty.
  Ns3Network(Ns3EventLoop& loop, const Topology& topology, const NetworkOptions& options);
  ~Ns3Network() override;

  void transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) override;
  std::vector<double> channel_bytes() const override;
  const Topology& topology() const override { return topology_; }
  const NetworkStall* stall() const override;

  std::vector<double> channel_wire_bytes() const;
  // Frames put on any channel so far (data, ACKs, handshakes, retransmissions).
  std::uint64_t packets() const;
  int connections() const;

 private:
  struct Impl;
  const Topology& topology_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace locosim
