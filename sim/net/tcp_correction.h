// What TCP adds to a transfer that a fluid model (flow_network.h, analytic_network.h) leaves
// out, as a delay before the fluid flow starts, per connection. docs/algorithms.md, "TCP".
//
// Start-up (per new connection, `startup`). One round trip for the handshake; the last
// segment of the first window then waits for the receiver's delayed-ACK timer (at most a
// round trip); from there slow start doubles the window every round trip until it covers
// the path's bandwidth-delay product. A transfer that ends within slow start takes whole
// rounds; a longer one pays the ramp once. Later transfers on the connection start from the
// window the earlier ones reached. Without `startup` a connection opens at the full rate.
//
// Restart after idle (`restart_after_idle`; Linux tcp_cwnd_restart, RFC 2861). When a
// connection has sent nothing for longer than its retransmission timeout, the window is
// halved once per timeout of idle time, down to min(initial window, window); ssthresh is
// kept, so the ramp back is slow start again. The timeout is Linux's for a steady path,
// RTT + min_rto (srtt + max(4·rttvar, rto_min) with rttvar ~ 0).
//
// Congestion avoidance (`congestion_avoidance`, cubic and newreno). Past slow start the
// window is walked round trip by round trip against the bottleneck's queue (sim/net/tcp_window.h):
// HyStart's exit, the queue's drops (CoDel under fq_codel, the default, or drop-tail under
// pfifo) and the congestion control's reduction and regrowth. On long round trips a CUBIC
// window cut by 0.7 no longer covers the path and takes seconds to grow back, which the fluid
// at full rate leaves out. BBR keeps the slow-start ramp above (it paces at the path's rate).
//
// Loss (on paths with per-packet loss p > 0; always). With congestion avoidance on (the
// default; cubic or newreno), the losses are drawn per connection, seeded from `loss_seed`
// and the connection, and answered by the walked window (sim/net/tcp_window.h); PFTK's
// timeout term below is added as an expectation for the bytes after the expected first loss.
// With it off, or for bbr, the closed form: the bytes a stream sends before its first loss
// go as on a loss-free path (slow start to the path's rate), the rest at the congestion
// control's response rate B to random loss, if below the path's. The part counted as lossy is the
// expectation, over where the first losses fall, for the slowest of the transfer's k streams
// (ExpectedLossyBytesOfSlowestStream), since the transfer ends with it. The response rates:
//   newreno: Padhye, Firoiu, Towsley and Kurose ("Modeling TCP throughput", SIGCOMM 1998,
//     eq. 31), Mathis et al.'s MSS/RTT·sqrt(3/2bp) with retransmission timeouts:
//     B = MSS / (RTT·sqrt(2bp/3) + T0·min(1, 3·sqrt(3bp/8))·p·(1 + 32p²)),  b = 2
//   cubic: the same with CUBIC's average window in congestion avoidance (RFC 8312 section
//     5.1, the larger of CUBIC's and its Reno-friendly window):
//     W = max((C(3+β)/(4(1-β)))^(1/4)·RTT^(3/4)/p^(3/4), sqrt(3/2bp)) segments, C 0.4, β 0.7,
//     RTT in seconds; B = MSS / (RTT/W + PFTK's timeout term). With W = sqrt(3/2bp) this
//     is PFTK exactly.
//   bbr: not loss-based; no cap.
//
// Parallel streams (`streams` = k). A transfer is split into k near-equal parts, each on its
// own connection (own window, own idle clock, own loss draws) and each its own fluid flow, so
// they share the path max-min; alone on the path a stream's uncontended rate is R/k. The
// transfer is delivered when its last part is. Over a backend that does not share links
// (analytic), the transfer stays one flow, started after the slowest stream's delay, so that
// k streams never exceed the path's rate.
//
// Each correction is exact for a transfer alone on its path under its model; under sharing
// the delay is the same and the fluid part shares as before (the ramp's rate is the path's
// uncontended bottleneck, so a shared path ramps a little longer here than in ns-3; a
// loss-capped flow still takes its full fair share once started). docs/ns3.md has the check.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "sim/core/event_loop.h"
#include "sim/net/network.h"
#include "sim/net/network_options.h"
#include "sim/net/routing.h"
#include "sim/net/tcp_window.h"

namespace locosim {

struct TcpCorrection {
  bool startup = true;
  bool restart_after_idle = true;
  bool congestion_avoidance = true;
  int streams = 1;
  Bytes segment = Bytes(8948);  // MSS: MTU 9000 - 52
  int initial_cwnd_segments = 2;
  SimTime delayed_ack = Milliseconds(40);  // the receiver's delayed-ACK timeout
  SimTime min_rto = Milliseconds(200);     // T0 is max(min_rto, 2·RTT); restart RTO RTT + min_rto
  std::string congestion_control = "cubic";  // cubic | newreno | bbr: the response to loss
  std::string queue_disc = "fq_codel";       // fq_codel | red (taken as CoDel) | pfifo
  std::uint64_t loss_seed = 1;               // random-loss draws (sim/net/tcp_window.h)
};

// The corrections for `options` (sim/net/network_options.h): its TCP and its queue discipline.
TcpCorrection TcpCorrectionFor(const NetworkOptions& options);

// Linux's tcp_cwnd_restart: `cwnd` after `idle` with timeout `rto`, never below
// min(initial, cwnd). Unchanged unless idle > rto.
double RestartWindow(double cwnd, double initial, SimTime idle, SimTime rto);

struct SlowStart {
  SimTime extra;          // time over latency + bytes/rate
  double cwnd_after = 0;  // window (bytes) when the transfer ends, at most rate·RTT
};

// A transfer of `bytes` on a connection whose window is `cwnd` bytes, on a path of round
// trip `rtt`, growing towards `rate`. Handshake and delayed-ACK lag are not included.
SlowStart SlowStartExtra(Bytes bytes, double cwnd, SimTime rtt, BitsPerSecond rate);

// The expected bytes of a `part_bytes` part that go after the stream's first loss, for the
// stream whose first loss comes earliest among `streams` streams on a path of loss p.
double ExpectedLossyBytesOfSlowestStream(double part_bytes, Bytes segment, double p, int streams);

// The PFTK throughput above for per-packet loss probability p in (0, 1).
BitsPerSecond LossLimitedRate(Bytes segment, SimTime rtt, double p, SimTime rto);
// The CUBIC response above.
BitsPerSecond CubicLossLimitedRate(Bytes segment, SimTime rtt, double p, SimTime rto);
// The rate `congestion_control` settles at under random loss p; nullopt when it is not
// limited by loss (bbr).
std::optional<BitsPerSecond> LossResponseRate(const std::string& congestion_control, Bytes segment,
                                              SimTime rtt, double p, SimTime rto);

// Wraps a fluid network: each transfer is handed to `inner` after its corrections' delay,
// split over the configured streams.
class TcpCorrectedNetwork final : public Network {
 public:
  // `loop` and `inner`'s topology must outlive this object. `inner_shares`: whether `inner`
  // shares links among concurrent flows (flow does, analytic does not).
  TcpCorrectedNetwork(EventLoop& loop, std::unique_ptr<Network> inner, TcpCorrection params,
                      bool inner_shares = true);

  void transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) override;
  std::vector<double> channel_bytes() const override { return inner_->channel_bytes(); }
  const Topology& topology() const override { return inner_->topology(); }

  // The delay a part of `bytes` on stream `stream` of (src, dst) would get now, when the
  // transfer is split over `streams`; and its effect on that connection's state (it is
  // counted as in flight until Delivered).
  SimTime Delay(NodeIndex src, NodeIndex dst, int stream, int streams, Bytes bytes);
  // The part sent on (src, dst, stream) has been delivered now.
  void Delivered(NodeIndex src, NodeIndex dst, int stream);

 private:
  struct Connection {
    CongestionWindow window;  // segments
    WindowRules rules;        // its congestion control and its path's bottleneck queue
    int in_flight = 0;        // parts handed to the network, not yet delivered
    SimTime last_send;        // when the last byte of the latest part left the sender
  };
  using Key = std::tuple<NodeIndex, NodeIndex, int>;

  EventLoop& loop_;
  std::unique_ptr<Network> inner_;
  TcpCorrection params_;
  bool inner_shares_;
  Routing routing_;
  std::map<Key, Connection> connections_;  // open connections
};

}  // namespace locosim
