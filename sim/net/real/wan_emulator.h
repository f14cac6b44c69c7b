// The WAN between replica namespaces, emulated in user space (this kernel has no netem):
// each replica's namespace has a TUN device that carries all its traffic to the other
// replicas, and one forwarder thread moves every IPv4 packet from the sender's TUN to the
// receiver's along the topology's route, as each link would: serialised at the link's rate
// behind the packets already queued on it, dropped when that queue is full (tail drop) or
// at the link's random loss rate, and delivered after the link's one-way latency. Packets
// to any other address are dropped, so no traffic leaves the namespaces. Latency jitter is
// not emulated.
#pragma once

#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "sim/net/topology.h"

namespace locosim::real {

struct EmulatedReplica {
  int tun_fd = -1;        // the TUN device in the replica's namespace (non-blocking)
  std::uint32_t address;  // its IPv4 address, host byte order
  NodeIndex node = 0;     // where it sits in the topology
};

class WanEmulator {
 public:
  // `topology` must outlive this object. Queues default to `default_queue_packets` packets
  // of `mtu` bytes per link direction where the topology sets none: 1000, as the ns3
  // backend's pfifo (a shallow queue makes Linux CUBIC lose most of a fast long path).
  WanEmulator(const Topology& topology, std::vector<EmulatedReplica> replicas, int mtu,
              std::uint64_t seed, int default_queue_packets = 1000);
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
