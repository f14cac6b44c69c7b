// The real backend (`locosim collective --backend real`): the collective's transfers over
// kernel TCP between replicas in their own network namespaces, through the emulated WAN of
// the topology (sim/net/real/wan_emulator.h), timed on the wall clock. Needs root and
// /dev/net/tun; says why not otherwise. Namespaces a killed run left are removed first.
#pragma once

#include <chrono>
#include <string>

#include "sim/core/config_error.h"
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
  std::uint64_t seed = 1;              // random loss draws
  std::chrono::seconds deadline{120};  // a run that is not done by then fails
  bool loopback = false;  // no namespaces, no WAN: 127.0.0.x (the transport alone, any user)
};

Result<Simulation> MakeRealSimulation(const Topology& topology, const RealOptions& options);

}  // namespace locosim::real
