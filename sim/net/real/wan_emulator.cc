#include "sim/net/real/wan_emulator.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <queue>
#include <random>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "sim/net/real/link_queue.h"
#include "sim/net/routing.h"

namespace locosim::real {
namespace {

using Clock = EmulatorClock;

struct ChannelState {
  double bytes_per_s = 0;
  Clock::duration latency{};
  double loss_rate = 0;
  std::unique_ptr<LinkQueue> queue;
  bool busy = false;  // serialising a packet
};

// What happens next, in emulated time: a packet reaches a link's queue, a link finishes
// serialising, or a packet reaches its replica.
struct Event {
  enum class Kind { kArrive, kLinkFree, kDeliver };
  Clock::time_point at;
  std::uint64_t order;  // FIFO among equal times
  Kind kind;
  Channel channel = 0;
  EmulatedPacket packet;
  bool operator>(const Event& o) const { return at != o.at ? at > o.at : order > o.order; }
};

std::uint32_t Ipv4Field(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
         std::uint32_t(p[3]);
}

}  // namespace

struct WanEmulator::Impl {
  Impl(const Topology& t, std::vector<EmulatedReplica> r, const WanSettings& w, std::uint64_t seed)
      : topology(t), routing(t), replicas(std::move(r)), mtu(w.mtu_bytes), rng(seed), timer(io) {
    channels.resize(2 * t.links.size());
    for (std::size_t c = 0; c < channels.size(); ++c) {
      const Link& link = t.links[LinkOfChannel(static_cast<Channel>(c))];
      ChannelState& s = channels[c];
      s.bytes_per_s = link.bandwidth.bytes_per_second();
      s.latency = std::chrono::nanoseconds(link.latency.nanoseconds());
      s.loss_rate = link.loss_rate;
      if (w.queue_disc == "pfifo") {
        s.queue = MakeFifoQueue(
            link.queue.bytes.count() > 0 ? static_cast<double>(link.queue.bytes.count())
            : link.queue.packets > 0     ? static_cast<double>(link.queue.packets * mtu)
                                         : static_cast<double>(w.fifo_default_packets * mtu));
      } else {
        FqCoDelSettings f;
        f.quantum_bytes = f.mtu_bytes = static_cast<std::size_t>(mtu);
        if (link.queue.packets > 0) f.limit_packets = static_cast<std::size_t>(link.queue.packets);
        if (link.queue.bytes.count() > 0)
          f.limit_packets =
              static_cast<std::size_t>(std::max<std::int64_t>(1, link.queue.bytes.count() / mtu));
        s.queue = MakeFqCoDelQueue(f);
      }
    }
    for (std::size_t i = 0; i < replicas.size(); ++i) {
      by_address[replicas[i].address] = static_cast<int>(i);
      descriptors.push_back(
          std::make_unique<boost::asio::posix::stream_descriptor>(io, ::dup(replicas[i].tun_fd)));
      buffers.emplace_back(static_cast<std::size_t>(mtu) + 64);
    }
  }

  void Read(int i) {
    descriptors[i]->async_read_some(boost::asio::buffer(buffers[i]),
                                    [this, i](const boost::system::error_code& ec, std::size_t n) {
                                      if (ec) return;  // closed: the emulator is stopping
                                      Forward(i, n);
                                      Read(i);
                                    });
  }

  void Forward(int from, std::size_t n) {
    const std::uint8_t* p = buffers[from].data();
    if (n < 20 || (p[0] >> 4) != 4) return;  // not IPv4: dropped
    const auto to = by_address.find(Ipv4Field(p + 16));
    if (to == by_address.end() || to->second == from || Ipv4Field(p + 12) != replicas[from].address)
      return;  // not from this replica to another one: dropped, so nothing leaves
    const Clock::time_point now = Clock::now();
    Advance(now);  // everything due before this packet came
    const Path& path = routing.path(replicas[from].node, replicas[to->second].node);
    EmulatedPacket packet{std::make_shared<std::vector<std::uint8_t>>(p, p + n), to->second, &path,
                          0, now};
    Arrive(path.channels[0], std::move(packet), now);
    Arm();
  }

  // The packet reaches channel c's queue at `at` (the link may lose it first).
  void Arrive(Channel c, EmulatedPacket packet, Clock::time_point at) {
    ChannelState& s = channels[c];
    if (s.loss_rate > 0 && uniform(rng) < s.loss_rate) return;  // random loss
    s.queue->Enqueue(std::move(packet), at);
    if (!s.busy) StartNext(c, at);
  }

  // Channel c is free at `at`: it starts serialising the packet its queue gives, which
  // reaches the next link (or its replica) one latency after its last bit left.
  void StartNext(Channel c, Clock::time_point at) {
    ChannelState& s = channels[c];
    std::optional<EmulatedPacket> packet = s.queue->Dequeue(at);
    if (!packet) return;
    s.busy = true;
    const Clock::time_point done =
        at + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                 static_cast<double>(packet->size()) / s.bytes_per_s));
    Push({done, 0, Event::Kind::kLinkFree, c, {}});
    const bool last = packet->hop + 1 == packet->path->channels.size();
    if (!last) ++packet->hop;
    const Channel next = packet->path->channels[packet->hop];
    Push({done + s.latency, 0, last ? Event::Kind::kDeliver : Event::Kind::kArrive, next,
          std::move(*packet)});
  }

  void Push(Event e) {
    e.order = next_order++;
    events.push(std::move(e));
  }

  // Runs every event due by `now`, each at its own emulated time.
  void Advance(Clock::time_point now) {
    while (!events.empty() && events.top().at <= now) {
      Event e = events.top();
      events.pop();
      switch (e.kind) {
        case Event::Kind::kArrive:
          Arrive(e.channel, std::move(e.packet), e.at);
          break;
        case Event::Kind::kLinkFree:
          channels[e.channel].busy = false;
          StartNext(e.channel, e.at);
          break;
        case Event::Kind::kDeliver: {
          // A full TUN queue drops the packet (write fails), as a full NIC ring would.
          const auto& bytes = *e.packet.bytes;
          [[maybe_unused]] const ssize_t written =
              ::write(replicas[e.packet.to_replica].tun_fd, bytes.data(), bytes.size());
          break;
        }
      }
    }
  }

  void Arm() {
    if (events.empty()) return;
    const Clock::time_point first = events.top().at;
    if (armed && armed_for <= first) return;
    armed = true;
    armed_for = first;
    timer.expires_at(first);
    timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;  // re-armed earlier, or stopping
      armed = false;
      Advance(Clock::now());
      Arm();
    });
  }

  const Topology& topology;
  Routing routing;
  std::vector<EmulatedReplica> replicas;
  int mtu;
  std::mt19937_64 rng;
  std::uniform_real_distribution<double> uniform{0.0, 1.0};
  boost::asio::io_context io;
  boost::asio::steady_timer timer;
  bool armed = false;
  Clock::time_point armed_for{};
  std::vector<ChannelState> channels;
  std::map<std::uint32_t, int> by_address;
  std::vector<std::unique_ptr<boost::asio::posix::stream_descriptor>> descriptors;
  std::vector<std::vector<std::uint8_t>> buffers;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events;
  std::uint64_t next_order = 0;
  std::thread thread;
};

WanEmulator::WanEmulator(const Topology& topology, std::vector<EmulatedReplica> replicas,
                         const WanSettings& settings, std::uint64_t seed)
    : impl_(std::make_unique<Impl>(topology, std::move(replicas), settings, seed)) {}

WanEmulator::~WanEmulator() { Stop(); }

void WanEmulator::Start() {
  for (int i = 0; i < static_cast<int>(impl_->replicas.size()); ++i) impl_->Read(i);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

void WanEmulator::Stop() {
  if (!impl_->thread.joinable()) return;
  impl_->io.stop();
  impl_->thread.join();
}

}  // namespace locosim::real
