// Backend settings, as plain data. `tcp` describes the transport for every backend: the
// fluid backends (analytic, flow) model it with their TCP corrections
// (sim/net/tcp_correction.h), ns3 simulates it packet by packet. `ns3` holds what only the
// packet-level backend has. Durations are SimTime, as everywhere across an interface.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "sim/core/units.h"

namespace locosim {

// The most TCP connections one transfer may be split over.
inline constexpr int kMaxTcpStreams = 64;

// How a transfer of `bytes` is split over `streams` connections (every backend alike): as
// many streams as bytes at most, near-equal parts, the first ones a byte larger.
inline int StreamsFor(Bytes bytes, int streams) {
  return static_cast<int>(std::min<std::int64_t>(streams, bytes.count()));
}
inline Bytes StreamPart(Bytes bytes, int streams, int stream) {
  return Bytes(bytes.count() / streams + (stream < bytes.count() % streams ? 1 : 0));
}

struct NetworkOptions {
  // The ideal fluid, for lower bounds and closed forms: no handshake, no slow start, no
  // restart after idle, the window held at the path's rate (no cuts), one stream. Lossy paths still
  // get the loss-limited rate.
  static NetworkOptions IdealFluid() {
    NetworkOptions o;
    o.tcp.startup = false;
    o.tcp.slow_start_after_idle = false;
    o.tcp.congestion_avoidance = false;
    return o;
  }

  // TCP as a real deployment runs it; each behaviour can be turned off for lower bounds.
  struct Tcp {
    // Handshake and slow start on every new connection.
    bool startup = true;
    // Linux's net.ipv4.tcp_slow_start_after_idle = 1 (RFC 2861): after an idle period longer
    // than the retransmission timeout the window is halved once per timeout of idle time,
    // down to the initial window. BBR is exempt.
    bool slow_start_after_idle = true;
    // Past slow start the window follows the congestion control against the bottleneck's
    // queue, round trip by round trip (HyStart, CoDel's drops, CUBIC's cut and regrowth);
    // false holds it at the path's rate (sim/net/tcp_window.h). Only the fluid backends
    // model it; ns3 and real run it.
    bool congestion_avoidance = true;
    // Connections each transfer is split over, as production systems shard a transfer to
    // get past one stream's loss-limited rate. Each is its own flow, with its own slow start.
    int streams = 1;
    // cubic (Linux's default) | newreno | bbr: what ns3 runs, and which response to random
    // loss the fluid backends model (docs/algorithms.md, "Loss").
    std::string congestion_control = "cubic";
    int mtu_bytes = 9000;                 // IP MTU; TCP segment = MTU - 52
    int initial_cwnd_segments = 2;        // 2 x 8948 B at MTU 9000 ~ 10 x 1448 B at 1500
    SimTime min_rto = Milliseconds(200);  // Linux's; ns-3's own default (1 s) is far from it
    int segment_bytes() const { return mtu_bytes - 52; }  // IPv4 20 + TCP 20 + timestamps 12
  } tcp;

  // Seed of the links' latency jitter draws (sim/net/jittered_network.h); the engine sets
  // the scenario's.
  std::uint64_t jitter_seed = 1;
  // Seed of the fluid backends' random-loss draws on lossy links (sim/net/tcp_window.h),
  // one stream per connection; the engine sets the scenario's.
  std::uint64_t loss_seed = 1;

  // ns-3 backend (sim/net/ns3/); see docs/ns3.md.
  struct Ns3 {
    std::string queue_disc = "fq_codel";   // fq_codel | pfifo | red
    bool sack = true;                      // RFC 6675 recovery; see docs/ns3.md for its cost
    SimTime stall_timeout = Seconds(600);  // watchdog: simulated time without progress
    std::uint64_t seed = 1;                // random loss (RateErrorModel) and RED
    // Each connection into a node listens on its own port, from kFirstPort up: so many
    // connections (other replicas x streams) can come into one node.
    static constexpr int kFirstPort = 10000;
    static constexpr int kConnectionsPerNode = 65536 - kFirstPort;
  } ns3;
};

// A TCP behaviour that only the fluid backends can turn off (for lower bounds); ns3 and real
// run TCP itself and refuse it: its field under network.tcp and its command-line flag.
struct FluidOnlyTcpSetting {
  std::string field;
  std::string flag;
};
// The first such behaviour that `tcp` turns off, or nullopt.
inline std::optional<FluidOnlyTcpSetting> FluidOnlyTcpSettingOff(const NetworkOptions::Tcp& tcp) {
  if (!tcp.startup) return FluidOnlyTcpSetting{"startup", "--no-tcp-startup"};
  if (!tcp.congestion_avoidance) {
    return FluidOnlyTcpSetting{"congestion_avoidance", "--no-congestion-avoidance"};
  }
  return std::nullopt;
}

}  // namespace locosim
