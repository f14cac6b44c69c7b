// The real backend (`locosim collective --backend real`): the collective's transfers over
// kernel TCP between replicas in their own network namespaces, through the emulated WAN of
// the topology (sim/net/real/wan_emulator.h), timed on the wall clock. Needs root and
// /dev/net/tun; says why not otherwise. Namespaces a killed run left are removed first.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "sim/core/config_error.h"
#include "sim/net/network_options.h"
#include "sim/net/simulation.h"
#include "sim/net/topology.h"

namespace locosim::real {

// Rates above this are refused: the forwarder cannot keep them on this class of machine
// (measured: docs/real_backend.md).
inline constexpr double kMaxEmulatedBitsPerSecond = 1e9;
inline constexpr int kMaxRealReplicas = 64;

struct RealOptions {
  int replicas = 0;                          // the first K replicas of the topology
  std::string congestion_control = "cubic";  // the kernel's: cubic, bbr, reno
  int mtu_bytes = 9000;                      // of every TUN device (the flow model's default)
  // The most a socket's buffers may autotune to (tcp_rmem and tcp_wmem in every namespace).
  std::int64_t socket_buffer_max_bytes = std::int64_t(64) << 20;
  // What a socket's receive buffer starts at (tcp_rmem's middle value; Linux's is 128 KiB).
  std::int64_t receive_buffer_initial_bytes = 131072;
  // network.tcp's settings that Linux has per route or per namespace, so that the kernel
  // runs the TCP the models assume: the initial window (route initcwnd, and initrwnd so the
  // receiver's first window does not cap it), the minimum RTO (route rto_min) and restart
  // after idle (net.ipv4.tcp_slow_start_after_idle).
  int initial_cwnd_segments = 2;
  std::chrono::milliseconds min_rto{200};
  bool slow_start_after_idle = true;
  int streams = 1;  // connections per directed pair, each transfer split over them
  // The emulated links' queues (sim/net/real/link_queue.h), as the ns3 backend's
  // --queue-disc: fq_codel (Linux's and ns3's default) or pfifo.
  std::string queue_disc = "fq_codel";
  std::uint64_t seed = 1;              // random loss draws
  std::chrono::seconds deadline{120};  // a run that is not done by then fails
  bool loopback = false;  // no namespaces, no WAN: 127.0.0.x (the transport alone, any user)
};

// The network.tcp settings a real run cannot honour, as a ConfigError naming the option:
// startup or congestion avoidance off (Linux always runs them), a queue discipline other
// than fq_codel or pfifo, links with latency jitter (the emulator delays every packet by the
// link's fixed latency).
std::optional<ConfigError> RefusedForReal(const Topology& topology, const NetworkOptions& options);

// The same settings as RealOptions, for a run that passed RefusedForReal.
RealOptions RealOptionsFor(const NetworkOptions& options);

Result<Simulation> MakeRealSimulation(const Topology& topology, const RealOptions& options);

}  // namespace locosim::real
