#include "sim/net/real/wan_emulator.h"

#include <unistd.h>

#include <chrono>
#include <map>
#include <queue>
#include <random>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "sim/net/routing.h"

namespace locosim::real {
namespace {

using Clock = std::chrono::steady_clock;

struct ChannelState {
  Clock::time_point free_at{};  // when the packets queued on it have been serialised
  double bytes_per_s = 0;
  Clock::duration latency{};
  double queue_bytes = 0;  // tail-drop limit of the bytes waiting to be serialised
  double loss_rate = 0;
};

struct Delivery {
  Clock::time_point at;
  std::uint64_t order;  // FIFO among equal times
  int replica;
  std::shared_ptr<std::vector<std::uint8_t>> packet;
  bool operator>(const Delivery& o) const { return at != o.at ? at > o.at : order > o.order; }
};

std::uint32_t Ipv4Field(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
         std::uint32_t(p[3]);
}

}  // namespace

struct WanEmulator::Impl {
  Impl(const Topology& t, std::vector<EmulatedReplica> r, int mtu, std::uint64_t seed,
       int default_queue_packets)
      : topology(t), routing(t), replicas(std::move(r)), mtu(mtu), rng(seed), timer(io) {
    channels.resize(2 * t.links.size());
    for (std::size_t c = 0; c < channels.size(); ++c) {
      const Link& link = t.links[LinkOfChannel(static_cast<Channel>(c))];
      ChannelState& s = channels[c];
      s.bytes_per_s = link.bandwidth.bytes_per_second();
      s.latency = std::chrono::nanoseconds(link.latency.nanoseconds());
      s.loss_rate = link.loss_rate;
      s.queue_bytes = link.queue.bytes.count() > 0 ? static_cast<double>(link.queue.bytes.count())
                      : link.queue.packets > 0     ? static_cast<double>(link.queue.packets * mtu)
                                               : static_cast<double>(default_queue_packets * mtu);
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
    const Path& path = routing.path(replicas[from].node, replicas[to->second].node);
    Clock::time_point t = Clock::now();
    for (Channel c : path.channels) {
      ChannelState& s = channels[c];
      const Clock::time_point start = std::max(t, s.free_at);
      const double backlog = std::chrono::duration<double>(start - t).count() * s.bytes_per_s;
      if (backlog + static_cast<double>(n) > s.queue_bytes) return;  // tail drop
      if (s.loss_rate > 0 && uniform(rng) < s.loss_rate) return;     // random loss
      s.free_at = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                              static_cast<double>(n) / s.bytes_per_s));
      t = s.free_at + s.latency;
    }
    auto packet = std::make_shared<std::vector<std::uint8_t>>(p, p + n);
    pending.push({t, next_order++, to->second, std::move(packet)});
    Arm();
  }

  void Arm() {
    if (pending.empty()) return;
    const Clock::time_point first = pending.top().at;
    if (armed && armed_for <= first) return;
    armed = true;
    armed_for = first;
    timer.expires_at(first);
    timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;  // re-armed earlier, or stopping
      armed = false;
      const Clock::time_point now = Clock::now();
      while (!pending.empty() && pending.top().at <= now) {
        const Delivery& d = pending.top();
        // A full TUN queue drops the packet (write fails), as a full NIC ring would.
        [[maybe_unused]] const ssize_t written =
            ::write(replicas[d.replica].tun_fd, d.packet->data(), d.packet->size());
        pending.pop();
      }
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
  std::priority_queue<Delivery, std::vector<Delivery>, std::greater<Delivery>> pending;
  std::uint64_t next_order = 0;
  std::thread thread;
};

WanEmulator::WanEmulator(const Topology& topology, std::vector<EmulatedReplica> replicas, int mtu,
                         std::uint64_t seed, int default_queue_packets)
    : impl_(std::make_unique<Impl>(topology, std::move(replicas), mtu, seed,
                                   default_queue_packets)) {}

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
