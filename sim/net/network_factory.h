// Backends by name. Adding a backend means adding its files and one line in
// network_factory.cc; nothing else names them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/event_loop.h"
#include "sim/net/network.h"
#include "sim/net/topology.h"

namespace locosim {

// A clock and a network on it. The ns-3 backend brings its own clock, so the two are made
// together. Holds a reference to the topology, which must outlive it.
struct Simulation {
  std::unique_ptr<EventLoop> loop;
  std::unique_ptr<Network> network;
};

// Backend-specific settings; each backend reads only its own part.
struct NetworkOptions {
  // flow backend (sim/net/flow_network.h).
  struct Flow {
    // TCP corrections to the fluid model (sim/net/tcp_correction.h): handshake and slow
    // start per new connection, and a loss-limited rate on lossy paths. Off by default so
    // that `flow` stays exactly `analytic` where nothing is shared; `locosim crosscheck`
    // turns them on to compare with ns3 (docs/ns3.md).
    bool tcp_startup = false;
    bool tcp_loss = false;
    int segment_bytes = 8948;  // the TCP the corrections assume: MSS (MTU 9000 - 52),
    int initial_cwnd_segments = 2;  // initial window,
    double min_rto_s = 0.2;         // minimum retransmission timeout
  } flow;

  // ns-3 backend (sim/net/ns3/); see docs/ns3.md.
  struct Ns3 {
    std::string tcp = "cubic";            // cubic | newreno | bbr
    std::string queue_disc = "fq_codel";  // fq_codel | pfifo | red
    int mtu_bytes = 9000;                 // IP MTU of every link; TCP segment = MTU - 52
    int initial_cwnd_segments = 2;        // 2 x 8948 B at MTU 9000 ~ 10 x 1448 B at 1500
    double min_rto_s = 0.2;               // ns-3's own default (1 s) is far from Linux's
    bool sack = true;                     // RFC 6675 recovery; see docs/ns3.md for its cost
    double stall_timeout_s = 600;         // watchdog: simulated seconds without progress
    std::uint64_t seed = 1;               // random loss (RateErrorModel) and RED
  } ns3;
};

// The names MakeSimulation accepts, in a fixed order ("analytic", "flow", ...).
std::vector<std::string> BackendNames();

// nullopt if `backend` is not one of BackendNames().
std::optional<Simulation> MakeSimulation(const std::string& backend, const Topology& topology,
                                         const NetworkOptions& options = {});

}  // namespace locosim
