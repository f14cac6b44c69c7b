// The WAN between replica namespaces, emulated in user space (this kernel has no netem):
// each replica's namespace has a TUN device that carries all its traffic to the other
// replicas, and one forwarder thread moves every IPv4 packet from the sender's TUN to the
// receiver's along the topology's route, as each link would: at each link it may be lost
// (the link's random loss rate), waits in the link's queue (sim/net/real/link_queue.h:
// fq_codel by default, or a drop-tail pfifo), is serialised at the link's rate and reaches
// the next link one latency later. Events run in emulated time (each at its own instant,
// however late the timer fires), so a late wake-up delays delivery but never the links'
// rates. Packets to any other address are dropped, so no traffic leaves the namespaces.
// Latency jitter is not emulated.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sim/net/topology.h"

namespace locosim::real {

struct EmulatedReplica {
  int tun_fd = -1;        // the TUN device in the replica's namespace (non-blocking)
  std::uint32_t address;  // its IPv4 address, host byte order
  NodeIndex node = 0;     // where it sits in the topology
};

struct WanSettings {
  int mtu_bytes = 9000;
  std::string queue_disc = "fq_codel";  // fq_codel | pfifo, on every link direction
  // pfifo's limit where the topology sets none: as the ns3 backend's pfifo.
  int fifo_default_packets = 1000;
};

class WanEmulator {
 public:
  // `topology` must outlive this object.
  WanEmulator(const Topology& topology, std::vector<EmulatedReplica> replicas,
              const WanSettings& settings, std::uint64_t seed);
  ~WanEmulator();  // stops the forwarder
  WanEmulator(const WanEmulator&) = delete;
  WanEmulator& operator=(const WanEmulator&) = delete;

  void Start();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace locosim::real
