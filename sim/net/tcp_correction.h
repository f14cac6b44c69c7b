// What TCP adds to a transfer that a fluid model (flow_network.h) leaves out, as a delay
// before the fluid flow starts. Two corrections, each behind an option:
//
// Start-up (per new connection). One round trip for the handshake; the last segment of the
// first window then waits for the receiver's delayed-ACK timer (at most a round trip); from
// there slow start doubles the window every round trip until it covers the path's
// bandwidth-delay product. A transfer that ends within slow start takes whole rounds; a
// longer one pays the ramp once. Later transfers on the same connection start from the
// window the earlier ones reached: ns-3.37 keeps the window across idle periods
// (docs/ns3.md), so only the first rounds of a run pay.
//
// Loss (per transfer, on paths with loss_rate > 0). Random loss caps a TCP flow at the
// throughput of Padhye, Firoiu, Towsley and Kurose ("Modeling TCP throughput", SIGCOMM 1998,
// eq. 31), which extends Mathis et al.'s MSS/RTT·sqrt(3/2p) with retransmission timeouts:
//   B = MSS / (RTT·sqrt(2bp/3) + T0·min(1, 3·sqrt(3bp/8))·p·(1 + 32p²)),  b = 2 (delayed ACKs)
// A transfer alone on its path then takes b/min(B, R) instead of b/R, and slow start aims at
// min(B, R)·RTT.
//
// Each correction is exact for a transfer alone on its path under its model; under sharing
// the delay is the same and the fluid part shares as before (the ramp's rate is the path's
// uncontended bottleneck, so a shared path ramps a little longer here than in ns-3; a
// loss-capped flow still takes its full fair share once started). docs/ns3.md has the check.
#pragma once

#include <map>
#include <memory>
#include <utility>

#include "sim/core/event_loop.h"
#include "sim/net/network.h"
#include "sim/net/routing.h"

namespace locosim {

struct TcpCorrection {
  bool startup = true;
  bool loss = true;
  Bytes segment = Bytes(8948);  // MSS: MTU 9000 - 52
  int initial_cwnd_segments = 2;
  SimTime delayed_ack = Milliseconds(40);  // the receiver's delayed-ACK timeout
  SimTime min_rto = Milliseconds(200);     // T0 is max(min_rto, 2·RTT)
};

struct SlowStart {
  SimTime extra;          // time over latency + bytes/rate
  double cwnd_after = 0;  // window (bytes) when the transfer ends, at most rate·RTT
};

// A transfer of `bytes` on a connection whose window is `cwnd` bytes, on a path of round
// trip `rtt`, growing towards `rate`. Handshake and delayed-ACK lag are not included.
SlowStart SlowStartExtra(Bytes bytes, double cwnd, SimTime rtt, BitsPerSecond rate);

// The PFTK throughput above for per-packet loss probability p in (0, 1).
BitsPerSecond LossLimitedRate(Bytes segment, SimTime rtt, double p, SimTime rto);

// Wraps a fluid network: each transfer is handed to `inner` after its corrections' delay.
class TcpCorrectedNetwork final : public Network {
 public:
  // `loop` and `inner`'s topology must outlive this object.
  TcpCorrectedNetwork(EventLoop& loop, std::unique_ptr<Network> inner, TcpCorrection params);

  void transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) override;
  std::vector<double> channel_bytes() const override { return inner_->channel_bytes(); }
  const Topology& topology() const override { return inner_->topology(); }

  // The delay transfer() would add now, and its effect on the connection's state.
  SimTime Delay(NodeIndex src, NodeIndex dst, Bytes bytes);

 private:
  EventLoop& loop_;
  std::unique_ptr<Network> inner_;
  TcpCorrection params_;
  Routing routing_;
  std::map<std::pair<NodeIndex, NodeIndex>, double> cwnd_;  // per open connection, bytes
};

}  // namespace locosim
