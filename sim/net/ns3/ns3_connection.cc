#include "sim/net/ns3/ns3_connection.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "ns3/boolean.h"
#include "ns3/inet-socket-address.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include "sim/net/ns3/ns3_idle_restart.h"

namespace locosim {
namespace {

// Linux's minimum delayed-ACK timeout (TCP_DELACK_MIN); ns-3's default is 200 ms.
constexpr int64_t kDelayedAckTimeoutNs = 40'000'000;
// Linux's initial RTO (RFC 6298); ns-3's default SYN timeout is 3 s.
constexpr int64_t kConnectTimeoutNs = 1'000'000'000;

ns3::Ptr<ns3::Socket> MakeTcpSocket(ns3::Ptr<ns3::Node> node, const TcpSettings& s) {
  ns3::Ptr<ns3::Socket> socket =
      ns3::Socket::CreateSocket(node, ns3::TcpSocketFactory::GetTypeId());
  auto tcp = ns3::DynamicCast<ns3::TcpSocketBase>(socket);
  assert(tcp);
  // These setters are protected on TcpSocketBase; the attributes reach the same fields.
  socket->SetAttribute("SegmentSize", ns3::UintegerValue(s.segment_bytes));
  socket->SetAttribute("InitialCwnd", ns3::UintegerValue(s.initial_cwnd_segments));
  socket->SetAttribute("SndBufSize", ns3::UintegerValue(s.send_buffer_bytes));
  socket->SetAttribute("RcvBufSize", ns3::UintegerValue(s.receive_buffer_bytes));
  socket->SetAttribute("DelAckCount", ns3::UintegerValue(2));
  socket->SetAttribute("DelAckTimeout", ns3::TimeValue(ns3::NanoSeconds(kDelayedAckTimeoutNs)));
  socket->SetAttribute("ConnTimeout", ns3::TimeValue(ns3::NanoSeconds(kConnectTimeoutNs)));
  socket->SetAttribute("TcpNoDelay", ns3::BooleanValue(true));
  tcp->SetMinRto(ns3::NanoSeconds(s.min_rto_ns));
  tcp->SetPacingStatus(s.pacing);
  socket->SetAttribute("Sack", ns3::BooleanValue(s.sack));
  return socket;
}

}  // namespace

Ns3Connection::Ns3Connection(NodeIndex src, NodeIndex dst, ns3::Ptr<ns3::Node> src_node,
                             ns3::Ptr<ns3::Node> dst_node, ns3::Ipv4Address dst_address,
                             uint16_t port, const TcpSettings& settings, Observer observer)
    : src_(src), dst_(dst), segment_(settings.segment_bytes), observer_(std::move(observer)) {
  listener_ = MakeTcpSocket(dst_node, settings);
  listener_->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port));
  listener_->Listen();
  listener_->SetAcceptCallback(
      ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
      ns3::MakeCallback(&Ns3Connection::OnAccepted, this));

  sender_ = MakeTcpSocket(src_node, settings);
  if (!settings.idle_restart_tcp.empty()) {
    InstallIdleRestart(ns3::DynamicCast<ns3::TcpSocketBase>(sender_), settings.idle_restart_tcp);
  }
  sender_->Bind();
  sender_->SetConnectCallback(
      ns3::MakeCallback(&Ns3Connection::OnConnected, this),
      ns3::Callback<void, ns3::Ptr<ns3::Socket>>(
          [this](ns3::Ptr<ns3::Socket>) { OnFailed("connection attempt failed"); }));
  sender_->SetCloseCallbacks(
      ns3::Callback<void, ns3::Ptr<ns3::Socket>>(
          [this](ns3::Ptr<ns3::Socket>) { OnFailed("connection closed"); }),
      ns3::Callback<void, ns3::Ptr<ns3::Socket>>(
          [this](ns3::Ptr<ns3::Socket>) { OnFailed("retransmission limit reached"); }));
  sender_->SetSendCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>, uint32_t>(
      [this](ns3::Ptr<ns3::Socket>, uint32_t) { FillSendBuffer(); }));
  sender_->Connect(ns3::InetSocketAddress(dst_address, port));
}

Ns3Connection::~Ns3Connection() {
  for (const auto& socket : {sender_, listener_, receiver_}) {
    if (!socket) continue;
    socket->SetConnectCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                               ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket->SetCloseCallbacks(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                              ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket->SetAcceptCallback(
        ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
        ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, const ns3::Address&>());
    socket->SetSendCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, uint32_t>());
    socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
  }
}

void Ns3Connection::Send(Bytes bytes, Network::OnDone on_done) {
  assert(bytes.count() > 0);
  queued_ += bytes.count();
  unsent_ += bytes.count();
  pending_.push_back(Pending{queued_, bytes.count(), std::move(on_done)});
  FillSendBuffer();
}

void Ns3Connection::FillSendBuffer() {
  if (!connected_) return;
  while (unsent_ > 0) {
    const uint32_t space = sender_->GetTxAvailable();
    if (space == 0) return;  // the send callback calls again when ACKs free space
    // Writes end on segment boundaries of the byte stream, so that TCP's segments map onto
    // whole writes: ns-3 merges the writes a segment straddles, and merging packets turns
    // their virtual zero-filled payload into real memory (measured: ~2x slower).
    const int64_t written = queued_ - unsent_;
    const int64_t to_boundary = segment_ - written % segment_;
    const auto n = static_cast<uint32_t>(std::min<int64_t>({unsent_, space, to_boundary}));
    const int sent = sender_->Send(ns3::Create<ns3::Packet>(n));
    if (sent <= 0) return;
    unsent_ -= sent;
  }
}

void Ns3Connection::OnConnected(ns3::Ptr<ns3::Socket>) {
  connected_ = true;
  FillSendBuffer();
}

void Ns3Connection::OnFailed(const std::string& why) {
  if (failure_.empty()) failure_ = why;
  connected_ = false;
}

void Ns3Connection::OnAccepted(ns3::Ptr<ns3::Socket> socket, const ns3::Address&) {
  receiver_ = socket;
  receiver_->SetRecvCallback(ns3::MakeCallback(&Ns3Connection::OnReceived, this));
  // One connection per listener: no other peer will come.
  listener_->Close();
}

void Ns3Connection::OnReceived(ns3::Ptr<ns3::Socket> socket) {
  int64_t got = 0;
  // One segment at a time: asking for more makes ns-3 concatenate received packets, which
  // copies their payload into real memory.
  while (ns3::Ptr<ns3::Packet> packet = socket->Recv(static_cast<uint32_t>(segment_), 0)) {
    if (packet->GetSize() == 0) break;
    got += packet->GetSize();
  }
  if (got == 0) return;
  received_ += got;
  observer_.on_progress();
  while (!pending_.empty() && pending_.front().end <= received_) {
    Network::OnDone done = std::move(pending_.front().on_done);
    pending_.pop_front();
    observer_.on_delivered(std::move(done));
  }
}

void Ns3Connection::AppendPending(std::vector<StuckTransfer>& out) const {
  for (const Pending& p : pending_) {
    const int64_t start = p.end - p.size;
    const int64_t got = std::clamp<int64_t>(received_ - start, 0, p.size);
    out.push_back(StuckTransfer{src_, dst_, Bytes(got), Bytes(p.size)});
  }
}

}  // namespace locosim
