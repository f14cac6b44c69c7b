#include "sim/net/ns3/ns3_network.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"

#include "sim/net/network_stall.h"
#include "sim/net/ns3/ns3_connection.h"
#include "sim/net/ns3/ns3_world.h"
#include "sim/net/routing.h"

namespace locosim {
namespace {

constexpr uint32_t kMinBufferBytes = 128 * 1024;
// The largest window TCP can advertise is 2^30 bytes; the receive buffer is 2x the send one.
constexpr uint32_t kMaxSendBufferBytes = 1u << 28;

// TCP payload of a frame as PhyTxBegin sees it: PPP header (2 bytes, 0x0021 = IPv4), IPv4
// header, TCP header. Reads the lengths from the serialised headers instead of
// deserialising them, which keeps the per-packet cost to one small copy.
uint32_t TcpPayloadBytes(const ns3::Packet& frame) {
  uint8_t h[2 + 60 + 13];
  const uint32_t n = frame.CopyData(h, sizeof h);
  if (n < 2 + 20 + 13 || h[0] != 0x00 || h[1] != 0x21) return 0;
  const uint8_t* ip = h + 2;
  const uint32_t ip_header = (ip[0] & 0x0f) * 4u;
  const uint32_t total = (uint32_t{ip[2]} << 8) | ip[3];
  if (ip[9] != 6 || n < 2 + ip_header + 13) return 0;  // not TCP
  const uint32_t tcp_header = (ip[ip_header + 12] >> 4) * 4u;
  return total > ip_header + tcp_header ? total - ip_header - tcp_header : 0;
}

std::string DescribeStall(const Topology& t, SimTime since, SimTime now,
                          const std::vector<StuckTransfer>& stuck,
                          const std::vector<std::string>& failures) {
  char head[200];
  std::snprintf(head, sizeof head,
                "ns-3 backend: no byte delivered from t=%.3f s to t=%.3f s of simulated time; "
                "%zu transfer(s) stuck:",
                since.seconds(), now.seconds(), stuck.size());
  std::string message = head;
  const std::size_t shown = std::min<std::size_t>(stuck.size(), 20);
  for (std::size_t i = 0; i < shown; ++i) {
    const StuckTransfer& s = stuck[i];
    message += "\n  " + t.nodes[s.src].id + " -> " + t.nodes[s.dst].id + ": " +
               std::to_string(s.received.count()) + " of " + std::to_string(s.expected.count()) +
               " bytes received";
    if (!failures[i].empty()) message += " (" + failures[i] + ")";
  }
  if (shown < stuck.size())
    message += "\n  ... and " + std::to_string(stuck.size() - shown) + " more";
  return message;
}

}  // namespace

struct Ns3Network::Impl {
  Impl(Ns3EventLoop& l, const Topology& t, const NetworkOptions& o)
      : loop(l),
        topology(t),
        tcp(o.tcp),
        options(o.ns3),
        routing(t),
        world(BuildNs3World(t, o)),
        next_port(static_cast<std::size_t>(t.node_count()), NetworkOptions::Ns3::kFirstPort),
        counters(std::make_shared<Counters>(t.channel_count())) {
    for (Channel c = 0; c < t.channel_count(); ++c) {
      // The trace shares ownership of the counters: the devices may outlive this object
      // until Simulator::Destroy, and a trace cannot be disconnected from a lambda.
      world.sender[c]->TraceConnectWithoutContext(
          "PhyTxBegin", ns3::Callback<void, ns3::Ptr<const ns3::Packet>>(
                            [counters = counters, c](ns3::Ptr<const ns3::Packet> frame) {
                              ++counters->packets;
                              counters->wire[c] += frame->GetSize();
                              counters->payload[c] += TcpPayloadBytes(*frame);
                            }));
    }
  }

  ~Impl() { StopWatchdog(); }

  // Removed, not just cancelled: a cancelled ns-3 event stays queued and, when the loop runs
  // dry, still moves the clock to its time, which would count as idle time on every
  // connection (restart after idle) and shift whatever the caller schedules next.
  void StopWatchdog() {
    if (watchdog.IsRunning()) ns3::Simulator::Remove(watchdog);
  }

  TcpSettings SettingsFor(const Path& path) const {
    const double rtt_s = 2 * path.latency.seconds();
    const double bdp = path.bottleneck.bytes_per_second() * rtt_s;
    TcpSettings s;
    s.segment_bytes = static_cast<uint32_t>(tcp.segment_bytes());
    s.initial_cwnd_segments = static_cast<uint32_t>(tcp.initial_cwnd_segments);
    s.send_buffer_bytes = static_cast<uint32_t>(
        std::clamp(2 * bdp, double{kMinBufferBytes}, double{kMaxSendBufferBytes}));
    s.receive_buffer_bytes = 2 * s.send_buffer_bytes + 4 * s.segment_bytes;
    s.min_rto_ns = tcp.min_rto.nanoseconds();
    s.pacing = tcp.congestion_control == "bbr";
    s.sack = options.sack;
    if (tcp.slow_start_after_idle && tcp.congestion_control != "bbr") {
      s.idle_restart_tcp = tcp.congestion_control;
    }
    return s;
  }

  Ns3Connection& ConnectionFor(NodeIndex src, NodeIndex dst, int stream) {
    auto& slot = connections[{src, dst, stream}];
    if (slot) return *slot;
    int& port = next_port[dst];
    // The scenario reader refuses more (NetworkOptions::Ns3::kConnectionsPerNode).
    assert(port <= 65535 && "more connections into one node than ports");
    Ns3Connection::Observer observer{[this] { last_progress = loop.now(); },
                                     [this](OnDone done) {
                                       RemovePending();
                                       loop.at(loop.now(), std::move(done));
                                     }};
    slot = std::make_unique<Ns3Connection>(
        src, dst, world.nodes.Get(static_cast<uint32_t>(src)),
        world.nodes.Get(static_cast<uint32_t>(dst)), world.address[dst],
        static_cast<uint16_t>(port++), SettingsFor(routing.path(src, dst)), std::move(observer));
    return *slot;
  }

  // The watchdog is an ns-3 event (not loop.at) so that it can be cancelled on teardown.
  void ScheduleWatchdog(SimTime when) {
    watchdog = ns3::Simulator::Schedule(ns3::NanoSeconds((when - loop.now()).nanoseconds()),
                                        [this] { Watchdog(); });
  }

  // A transfer was queued. The watchdog runs only while transfers are pending, so that it
  // neither keeps run() from returning nor moves the clock when the network is idle.
  void AddPending() {
    if (pending++ > 0) return;
    last_progress = loop.now();
    ScheduleWatchdog(loop.now() + options.stall_timeout);
  }

  void RemovePending() {
    if (--pending == 0) StopWatchdog();
  }

  void Watchdog() {
    const SimTime bound = options.stall_timeout;
    if (loop.now() - last_progress < bound) {
      ScheduleWatchdog(last_progress + bound);
      return;
    }
    std::vector<StuckTransfer> stuck;
    std::vector<std::string> failures;
    for (const auto& [key, connection] : connections) {
      const std::size_t before = stuck.size();
      connection->AppendPending(stuck);
      failures.resize(stuck.size(), before == stuck.size() ? "" : connection->failure());
    }
    const std::string message = DescribeStall(topology, last_progress, loop.now(), stuck, failures);
    stall = NetworkStall{message, std::move(stuck)};
    loop.stop();
    // Should run() be called again, the same transfers get another full bound.
    last_progress = loop.now();
    ScheduleWatchdog(loop.now() + bound);
  }

  Ns3EventLoop& loop;
  const Topology& topology;
  const NetworkOptions::Tcp tcp;
  const NetworkOptions::Ns3 options;
  Routing routing;
  Ns3World world;
  // Ordered by (src, dst, stream) so that reports list connections in a stable order.
  std::map<std::tuple<NodeIndex, NodeIndex, int>, std::unique_ptr<Ns3Connection>> connections;
  std::vector<int> next_port;  // per destination node
  struct Counters {
    explicit Counters(int channels)
        : payload(static_cast<std::size_t>(channels), 0),
          wire(static_cast<std::size_t>(channels), 0) {}
    std::vector<double> payload;
    std::vector<double> wire;
    std::uint64_t packets = 0;
  };
  std::shared_ptr<Counters> counters;
  std::int64_t pending = 0;  // transfers queued, not yet delivered
  SimTime last_progress;
  std::optional<NetworkStall> stall;  // the watchdog's last finding
  ns3::EventId watchdog;
};

Ns3Network::Ns3Network(Ns3EventLoop& loop, const Topology& topology, const NetworkOptions& options)
    : topology_(topology), impl_(std::make_unique<Impl>(loop, topology, options)) {}

Ns3Network::~Ns3Network() = default;

void Ns3Network::transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) {
  assert(src != dst);
  if (bytes.count() == 0) {
    impl_->loop.after(impl_->routing.path(src, dst).latency, std::move(on_done));
    return;
  }
  const int streams = StreamsFor(bytes, impl_->tcp.streams);
  auto remaining = std::make_shared<int>(streams);
  auto done = std::make_shared<OnDone>(std::move(on_done));
  for (int stream = 0; stream < streams; ++stream) {
    const Bytes part = StreamPart(bytes, streams, stream);
    impl_->AddPending();
    impl_->ConnectionFor(src, dst, stream).Send(part, [remaining, done] {
      if (--*remaining == 0) (*done)();
    });
  }
}

std::vector<double> Ns3Network::channel_bytes() const { return impl_->counters->payload; }
std::vector<double> Ns3Network::channel_wire_bytes() const { return impl_->counters->wire; }
std::uint64_t Ns3Network::packets() const { return impl_->counters->packets; }
int Ns3Network::connections() const { return static_cast<int>(impl_->connections.size()); }
const NetworkStall* Ns3Network::stall() const { return impl_->stall ? &*impl_->stall : nullptr; }

}  // namespace locosim
