// Backend-specific settings, as plain data; each backend reads only its own part. Durations
// are SimTime, as everywhere across an interface.
#pragma once

#include <cstdint>
#include <string>

#include "sim/core/units.h"

namespace locosim {

struct NetworkOptions {
  // flow backend (sim/net/flow_network.h).
  struct Flow {
    // TCP corrections to the fluid model (sim/net/tcp_correction.h): handshake and slow
    // start per new connection, and a loss-limited rate on lossy paths. Off by default so
    // that `flow` stays exactly `analytic` where nothing is shared; `locosim crosscheck`
    // turns them on to compare with ns3 (docs/ns3.md).
    bool tcp_startup = false;
    bool tcp_loss = false;
    int segment_bytes = 8948;             // the TCP the corrections assume: MSS (MTU 9000 - 52),
    int initial_cwnd_segments = 2;        // initial window,
    SimTime min_rto = Milliseconds(200);  // minimum retransmission timeout
  } flow;

  // ns-3 backend (sim/net/ns3/); see docs/ns3.md.
  struct Ns3 {
    std::string tcp = "cubic";             // cubic | newreno | bbr
    std::string queue_disc = "fq_codel";   // fq_codel | pfifo | red
    int mtu_bytes = 9000;                  // IP MTU of every link; TCP segment = MTU - 52
    int initial_cwnd_segments = 2;         // 2 x 8948 B at MTU 9000 ~ 10 x 1448 B at 1500
    SimTime min_rto = Milliseconds(200);   // ns-3's own default (1 s) is far from Linux's
    bool sack = true;                      // RFC 6675 recovery; see docs/ns3.md for its cost
    SimTime stall_timeout = Seconds(600);  // watchdog: simulated time without progress
    std::uint64_t seed = 1;                // random loss (RateErrorModel) and RED
  } ns3;
};

}  // namespace locosim
