// One TCP connection from a source node to a destination node: opened on the first transfer
// between them and reused by every later one, as a training job keeps its sockets open across
// rounds. Transfers on a connection are framed by byte counts: the sender writes them back to
// back into one byte stream and the receiver, knowing every transfer's size in order, counts
// received bytes to tell where each ends. A transfer is delivered when its last byte has
// been read by the application at the destination.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "ns3/ipv4-address.h"
#include "ns3/node.h"
#include "ns3/ptr.h"
#include "ns3/socket.h"

#include "sim/net/network.h"
#include "sim/net/network_stall.h"

namespace locosim {

// Per-connection TCP settings, sized for the connection's path.
struct TcpSettings {
  uint32_t segment_bytes = 0;  // MTU - 52: IPv4 20 + TCP 20 + timestamp option 12
  uint32_t initial_cwnd_segments = 0;
  uint32_t send_buffer_bytes = 0;  // at least 2x the path's bandwidth-delay product
  // More than twice the send buffer, so the receive window never limits the sender. This
  // also avoids an ns-3.37 crash: when the bytes in flight equal the peer's window exactly,
  // TcpTxBuffer::NextSeg yields a zero-length segment and TcpSocketBase::SendDataPacket
  // dereferences a null item (seen with 4.2 MB buffers and random loss).
  uint32_t receive_buffer_bytes = 0;
  int64_t min_rto_ns = 0;
  bool pacing = false;  // BBR
  bool sack = false;
  // Restart after idle on the sender (ns3_idle_restart.h): empty, or the congestion control
  // to wrap ("cubic", "newreno").
  std::string idle_restart_tcp;
};

class Ns3Connection {
 public:
  struct Observer {
    std::function<void()> on_progress;                  // bytes reached the application
    std::function<void(Network::OnDone)> on_delivered;  // a transfer's last byte did
  };

  // Opens the connection now: a listening socket on `dst_node` at `port` (one per
  // connection, so it sizes its buffers for this path alone) and a socket on `src_node`
  // connecting to it.
  Ns3Connection(NodeIndex src, NodeIndex dst, ns3::Ptr<ns3::Node> src_node,
                ns3::Ptr<ns3::Node> dst_node, ns3::Ipv4Address dst_address, uint16_t port,
                const TcpSettings& settings, Observer observer);
  ~Ns3Connection();  // detaches every callback, so no ns-3 event reaches a dead object
  Ns3Connection(const Ns3Connection&) = delete;
  Ns3Connection& operator=(const Ns3Connection&) = delete;

  // Queues `bytes` (> 0) behind any earlier transfer on this connection.
  void Send(Bytes bytes, Network::OnDone on_done);

  // Appends every transfer not yet delivered, with the bytes it has received so far.
  void AppendPending(std::vector<StuckTransfer>& out) const;
  // Why the sender gave up (connection refused, retransmission limit), or empty.
  const std::string& failure() const { return failure_; }

 private:
  struct Pending {
    int64_t end = 0;  // offset in the byte stream just past this transfer's last byte
    int64_t size = 0;
    Network::OnDone on_done;
  };

  void FillSendBuffer();
  void OnConnected(ns3::Ptr<ns3::Socket> socket);
  void OnFailed(const std::string& why);
  void OnAccepted(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from);
  void OnReceived(ns3::Ptr<ns3::Socket> socket);

  NodeIndex src_;
  NodeIndex dst_;
  int64_t segment_;
  Observer observer_;
  ns3::Ptr<ns3::Socket> sender_;
  ns3::Ptr<ns3::Socket> listener_;
  ns3::Ptr<ns3::Socket> receiver_;
  bool connected_ = false;
  int64_t unsent_ = 0;    // bytes queued by transfers, not yet written into the socket
  int64_t received_ = 0;  // bytes read by the application at the destination
  int64_t queued_ = 0;    // bytes of every transfer ever queued
  std::deque<Pending> pending_;
  std::string failure_;
};

}  // namespace locosim
