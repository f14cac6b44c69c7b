// The real backend's Network: every transfer is one frame (sim/net/real/frame.h) per stream,
// written to kernel TCP sockets and read at the other end, on the wall clock. Each directed
// pair of replicas has `streams` connections, opened on its first transfer (so the first
// transfer pays the handshake, as a collective library's does) and reused. A transfer is
// split over all of them in near-equal parts (network.tcp.streams, as the models split it;
// a part may be empty), so the t-th frame on each of a pair's connections is a part of the
// pair's t-th transfer, which is done when its last part has arrived. Each replica listens on
// its own address; a connection's sender binds its own, which is how the receiver knows who
// sent. Sockets are made inside the replica's network namespace when it
// has one (sim/net/real/netns.h), else in this one (loopback addresses 127.0.0.x: no
// emulated WAN, for tests of the transport itself).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/net/network.h"
#include "sim/net/real/wall_clock_loop.h"
#include "sim/net/routing.h"

namespace locosim::real {

struct RealEndpoint {
  NodeIndex node = 0;
  std::string address;  // IPv4, dotted
  std::uint16_t port = 0;
  // Runs its argument with the thread inside the endpoint's namespace; empty: this one.
  std::function<std::optional<std::string>(const std::function<void()>&)> in_namespace;
};

struct SocketOptions {
  std::string congestion_control = "cubic";  // TCP_CONGESTION: cubic, bbr, reno
  int streams = 1;                           // connections per directed pair, >= 1
  std::uint64_t max_frame_bytes = std::uint64_t(1) << 40;
};

class SocketNetwork final : public Network {
 public:
  // `topology` and `loop` must outlive this object. Fails (error()) when a listener cannot
  // be opened.
  SocketNetwork(const Topology& topology, WallClockLoop& loop, std::vector<RealEndpoint> endpoints,
                SocketOptions options);
  // Kept until after the sockets are closed: the emulated WAN they run over.
  void KeepAlive(std::shared_ptr<void> wan) { wan_ = std::move(wan); }
  ~SocketNetwork() override;

  const std::optional<std::string>& error() const { return error_; }

  void transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) override;
  std::vector<double> channel_bytes() const override { return channel_bytes_; }
  const Topology& topology() const override { return topology_; }
  // Set on a socket error, and when the loop reached its deadline with transfers pending.
  const NetworkStall* stall() const override;

  struct Pair;    // one directed pair of replicas: its connections and transfers in flight
  struct Stream;  // one of a pair's connections and the frames it has yet to write
  struct Listener;

 private:
  friend struct Pair;
  friend struct Listener;
  void Fail(const std::string& message);
  Pair& PairOf(int src_endpoint, int dst_endpoint);
  void Connect(Pair& pair, Stream& stream);
  void WriteNext(Stream& stream);
  void WritePayload(Stream& stream, std::uint64_t left);
  // The receiving side: frame `index` of a connection from `src` to `dst` has arrived.
  void PartArrived(int src, int dst, std::uint64_t index);
  void Accept(Listener& listener);
  int EndpointOfNode(NodeIndex node) const;

  std::shared_ptr<void> wan_;  // first member: destroyed last
  const Topology& topology_;
  WallClockLoop& loop_;
  std::vector<RealEndpoint> endpoints_;
  SocketOptions options_;
  Routing routing_;
  std::vector<double> channel_bytes_;
  std::map<std::pair<int, int>, std::unique_ptr<Pair>> pairs_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::optional<std::string> error_;
  mutable std::optional<NetworkStall> stall_;
};

}  // namespace locosim::real
