// The queue in front of one direction of an emulated link (sim/net/real/wan_emulator.h):
// what waits while the link serialises, and which packet goes next.
//
// pfifo: one first-in first-out queue, tail drop at a byte limit. Every flow's packets wait
// behind every other's, so on a link that carries one flow's data and another's ACKs the
// ACKs wait behind the data (a ring all-reduce's every uplink does).
//
// fq_codel (RFC 8290, the default of Linux hosts and of the ns3 backend): a queue per flow
// (the exact 5-tuple, so no two flows collide), served by deficit round robin with a
// quantum of one MTU, new flows first; each flow queue runs CoDel (RFC 8289: drop at the
// head once the sojourn time has stayed above `target` for `interval`, then ever more
// often, interval/sqrt(count)). Over the packet limit the fattest flow loses its head
// packet (Linux drops a batch from it; one is enough to stay within the limit here).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "sim/net/routing.h"

namespace locosim::real {

using EmulatorClock = std::chrono::steady_clock;

struct EmulatedPacket {
  std::shared_ptr<std::vector<std::uint8_t>> bytes;  // the IPv4 packet
  int to_replica = 0;
  const Path* path = nullptr;  // the channels it crosses
  std::size_t hop = 0;         // index into path->channels of the link it is at
  EmulatorClock::time_point enqueued{};
  std::size_t size() const { return bytes->size(); }
};

// An IPv4 packet's flow: addresses, protocol and (TCP, UDP) ports.
std::uint64_t FlowOf(const std::vector<std::uint8_t>& ipv4);

class LinkQueue {
 public:
  virtual ~LinkQueue() = default;
  virtual void Enqueue(EmulatedPacket packet, EmulatorClock::time_point now) = 0;
  // The packet to serialise next, or nullopt when none is queued (CoDel may drop on the way).
  virtual std::optional<EmulatedPacket> Dequeue(EmulatorClock::time_point now) = 0;
  std::uint64_t drops() const { return drops_; }

 protected:
  std::uint64_t drops_ = 0;
};

std::unique_ptr<LinkQueue> MakeFifoQueue(double limit_bytes);

struct FqCoDelSettings {
  std::size_t limit_packets = 10240;  // Linux's and ns-3's default
  std::size_t quantum_bytes = 9000;   // one MTU
  std::size_t mtu_bytes = 9000;       // CoDel never drops while a flow holds at most this
  EmulatorClock::duration target = std::chrono::milliseconds(5);
  EmulatorClock::duration interval = std::chrono::milliseconds(100);
};
std::unique_ptr<LinkQueue> MakeFqCoDelQueue(const FqCoDelSettings& settings);

}  // namespace locosim::real
