#include "sim/net/real/socket_network.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <deque>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "sim/net/network_options.h"
#include "sim/net/real/frame.h"

namespace locosim::real {
namespace {

using boost::asio::ip::tcp;

constexpr std::size_t kChunkBytes = 1 << 20;       // written per call, from one zero buffer
constexpr std::size_t kReadBufferBytes = 1 << 18;  // read per call: the receiver's bounded memory

const std::vector<std::uint8_t>& Zeros() {
  static const std::vector<std::uint8_t> zeros(kChunkBytes, 0);
  return zeros;
}

tcp::endpoint EndpointOf(const RealEndpoint& e, bool with_port) {
  return tcp::endpoint(boost::asio::ip::make_address_v4(e.address), with_port ? e.port : 0);
}

std::optional<std::string> InNamespace(const RealEndpoint& e, const std::function<void()>& fn) {
  if (!e.in_namespace) {
    fn();
    return std::nullopt;
  }
  return e.in_namespace(fn);
}

}  // namespace

struct SocketNetwork::Stream {
  std::unique_ptr<tcp::socket> socket;
  bool connected = false, connecting = false, writing = false;
  std::deque<std::uint64_t> to_send;  // frame lengths not yet written
  std::uint32_t next_sequence = 0;
  std::array<std::uint8_t, kFrameHeaderBytes> header{};
};

struct SocketNetwork::Pair {
  int src = 0, dst = 0;         // endpoint indices
  std::vector<Stream> streams;  // sized once: handlers hold references into it
  struct Awaited {
    OnDone done;
    int parts_left = 0;
  };
  std::deque<Awaited> awaiting;     // transfers in flight, in the order sent
  std::uint64_t first_awaited = 0;  // the pair's count of transfers done before them
};

struct SocketNetwork::Listener {
  int endpoint = 0;
  std::unique_ptr<tcp::acceptor> acceptor;
};

// One accepted connection: reads frames until the sender closes it.
struct Reader : std::enable_shared_from_this<Reader> {
  Reader(tcp::socket s, std::uint64_t max_frame, std::function<void(std::size_t)> on_frames,
         std::function<void(const std::string&)> on_error)
      : socket(std::move(s)),
        frames(max_frame),
        on_frames(std::move(on_frames)),
        on_error(std::move(on_error)),
        buffer(kReadBufferBytes) {}

  void Read() {
    socket.async_read_some(boost::asio::buffer(buffer),
                           [self = shared_from_this()](const boost::system::error_code& ec,
                                                       std::size_t n) { self->Got(ec, n); });
  }

  void Got(const boost::system::error_code& ec, std::size_t n) {
    if (ec) {
      if (ec != boost::asio::error::eof && ec != boost::asio::error::operation_aborted)
        on_error("receiving: " + ec.message());
      else if (ec == boost::asio::error::eof && !frames.at_boundary())
        on_error("receiving: the sender closed in the middle of a frame");
      return;
    }
    const auto done = frames.Feed(std::span<const std::uint8_t>(buffer.data(), n));
    if (frames.error()) return on_error("receiving: " + *frames.error());
    if (!done.empty()) on_frames(done.size());
    Read();
  }

  tcp::socket socket;
  FrameReader frames;
  std::function<void(std::size_t)> on_frames;
  std::function<void(const std::string&)> on_error;
  std::vector<std::uint8_t> buffer;
};

SocketNetwork::SocketNetwork(const Topology& topology, WallClockLoop& loop,
                             std::vector<RealEndpoint> endpoints, SocketOptions options)
    : topology_(topology),
      loop_(loop),
      endpoints_(std::move(endpoints)),
      options_(std::move(options)),
      routing_(topology),
      channel_bytes_(2 * topology.links.size(), 0.0) {
  for (int e = 0; e < static_cast<int>(endpoints_.size()); ++e) {
    auto listener = std::make_unique<Listener>();
    listener->endpoint = e;
    boost::system::error_code ec;
    auto made = InNamespace(endpoints_[e], [&] {
      listener->acceptor = std::make_unique<tcp::acceptor>(loop_.io());
      listener->acceptor->open(tcp::v4(), ec);
      if (!ec) listener->acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec) listener->acceptor->bind(EndpointOf(endpoints_[e], true), ec);
      if (!ec) listener->acceptor->listen(64, ec);
    });
    if (made || ec) {
      error_ = "cannot listen on " + endpoints_[e].address + ":" +
               std::to_string(endpoints_[e].port) + ": " + (made ? *made : ec.message());
      return;
    }
    Accept(*listener);
    listeners_.push_back(std::move(listener));
  }
}

SocketNetwork::~SocketNetwork() {
  for (auto& l : listeners_) {
    boost::system::error_code ec;
    l->acceptor->close(ec);
  }
  for (auto& [key, pair] : pairs_) {
    for (Stream& stream : pair->streams) {
      boost::system::error_code ec;
      if (stream.socket) stream.socket->close(ec);
    }
  }
}

int SocketNetwork::EndpointOfNode(NodeIndex node) const {
  for (int e = 0; e < static_cast<int>(endpoints_.size()); ++e)
    if (endpoints_[e].node == node) return e;
  return -1;
}

const NetworkStall* SocketNetwork::stall() const {
  if (!stall_ && loop_.hit_deadline()) {
    NetworkStall s{"real backend: transfers still pending at the deadline (--deadline)", {}};
    for (const auto& [key, pair] : pairs_) {
      for (std::size_t i = 0; i < pair->awaiting.size(); ++i)
        s.stuck.push_back(
            {endpoints_[key.first].node, endpoints_[key.second].node, Bytes(), Bytes()});
    }
    s.message += ": " + std::to_string(s.stuck.size()) + " transfers";
    stall_ = std::move(s);
  }
  return stall_ ? &*stall_ : nullptr;
}

void SocketNetwork::Fail(const std::string& message) {
  if (stall_) return;
  stall_ = NetworkStall{"real backend: " + message, {}};
  loop_.stop();
}

void SocketNetwork::Accept(Listener& listener) {
  listener.acceptor->async_accept(
      [this, &listener](const boost::system::error_code& ec, tcp::socket socket) {
        if (ec) return;  // closed
        boost::system::error_code peer_ec;
        const auto peer = socket.remote_endpoint(peer_ec).address().to_string();
        int src = -1;
        for (int e = 0; e < static_cast<int>(endpoints_.size()); ++e)
          if (endpoints_[e].address == peer) src = e;
        if (peer_ec || src < 0) {
          Fail("a connection from " + peer + ", which is no replica's address");
          return;
        }
        const int dst = listener.endpoint;
        auto frames_read = std::make_shared<std::uint64_t>(0);  // on this connection
        auto reader = std::make_shared<Reader>(
            std::move(socket), options_.max_frame_bytes,
            [this, src, dst, frames_read](std::size_t frames) {
              for (std::size_t f = 0; f < frames; ++f) PartArrived(src, dst, (*frames_read)++);
            },
            [this](const std::string& message) { Fail(message); });
        reader->Read();
        Accept(listener);
      });
}

void SocketNetwork::PartArrived(int src, int dst, std::uint64_t index) {
  Pair& pair = PairOf(src, dst);
  if (index < pair.first_awaited || index - pair.first_awaited >= pair.awaiting.size())
    return Fail("a frame nobody sent");
  --pair.awaiting[static_cast<std::size_t>(index - pair.first_awaited)].parts_left;
  // Transfers end in the order sent: a later one whose parts came first waits for the earlier.
  while (!pair.awaiting.empty() && pair.awaiting.front().parts_left == 0) {
    OnDone done = std::move(pair.awaiting.front().done);
    pair.awaiting.pop_front();
    ++pair.first_awaited;
    done();
    loop_.Release();
  }
}

SocketNetwork::Pair& SocketNetwork::PairOf(int src, int dst) {
  auto& slot = pairs_[{src, dst}];
  if (!slot) {
    slot = std::make_unique<Pair>();
    slot->src = src;
    slot->dst = dst;
    slot->streams = std::vector<Stream>(static_cast<std::size_t>(options_.streams));
  }
  return *slot;
}

void SocketNetwork::transfer(NodeIndex src, NodeIndex dst, Bytes bytes, OnDone on_done) {
  const int s = EndpointOfNode(src), d = EndpointOfNode(dst);
  if (s < 0 || d < 0 || s == d) return Fail("a transfer between nodes that are not two replicas");
  for (Channel c : routing_.path(src, dst).channels)
    channel_bytes_[c] += static_cast<double>(bytes.count());
  Pair& pair = PairOf(s, d);
  loop_.Hold();
  const int streams = static_cast<int>(pair.streams.size());
  pair.awaiting.push_back({std::move(on_done), streams});
  for (int k = 0; k < streams; ++k) {
    Stream& stream = pair.streams[static_cast<std::size_t>(k)];
    stream.to_send.push_back(static_cast<std::uint64_t>(StreamPart(bytes, streams, k).count()));
    if (!stream.connected) {
      Connect(pair, stream);
    } else {
      WriteNext(stream);
    }
  }
}

void SocketNetwork::Connect(Pair& pair, Stream& stream) {
  if (stream.connecting) return;
  stream.connecting = true;
  boost::system::error_code ec;
  const RealEndpoint& from = endpoints_[pair.src];
  auto made = InNamespace(from, [&] {
    stream.socket = std::make_unique<tcp::socket>(loop_.io());
    stream.socket->open(tcp::v4(), ec);
    if (!ec) stream.socket->bind(EndpointOf(from, false), ec);
  });
  if (made || ec)
    return Fail("cannot open a socket at " + from.address + ": " + (made ? *made : ec.message()));
  const int fd = stream.socket->native_handle();
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const std::string& cc = options_.congestion_control;
  if (::setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc.data(), static_cast<socklen_t>(cc.size())) !=
      0)
    return Fail("this kernel has no TCP congestion control \"" + cc + "\"");
  const std::string to = endpoints_[pair.dst].address;
  stream.socket->async_connect(EndpointOf(endpoints_[pair.dst], true),
                               [this, &stream, to](const boost::system::error_code& error) {
                                 stream.connecting = false;
                                 if (error == boost::asio::error::operation_aborted) return;
                                 if (error)
                                   return Fail("connecting to " + to + ": " + error.message());
                                 stream.connected = true;
                                 WriteNext(stream);
                               });
}

void SocketNetwork::WriteNext(Stream& stream) {
  if (stream.writing || stream.to_send.empty()) return;
  stream.writing = true;
  const std::uint64_t length = stream.to_send.front();
  stream.header = EncodeFrameHeader({stream.next_sequence++, length});
  boost::asio::async_write(
      *stream.socket, boost::asio::buffer(stream.header),
      [this, &stream, length](const boost::system::error_code& ec, std::size_t) {
        if (ec == boost::asio::error::operation_aborted) return;
        if (ec) return Fail("sending: " + ec.message());
        WritePayload(stream, length);
      });
}

void SocketNetwork::WritePayload(Stream& stream, std::uint64_t left) {
  if (left == 0) {
    stream.to_send.pop_front();
    stream.writing = false;
    WriteNext(stream);
    return;
  }
  const std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(left, kChunkBytes));
  boost::asio::async_write(
      *stream.socket, boost::asio::buffer(Zeros().data(), chunk),
      [this, &stream, left, chunk](const boost::system::error_code& ec, std::size_t) {
        if (ec == boost::asio::error::operation_aborted) return;
        if (ec) return Fail("sending: " + ec.message());
        WritePayload(stream, left - chunk);
      });
}

}  // namespace locosim::real
