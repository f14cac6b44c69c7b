// Restart after idle for ns-3's TCP, which never does it (ns-3.37): Linux's rule
// (tcp_cwnd_restart, RFC 2861; sim/net/tcp_correction.h has the same rule for the fluid
// backends) as a congestion-control wrapper. When the socket sends with nothing in flight
// (ns-3's CA_EVENT_TX_START) after more than its retransmission timeout of idle time, the
// window is halved once per timeout of idle, down to min(initial window, window); ssthresh
// is kept (at least 3/4 of the old window, as Linux's tcp_current_ssthresh). Idle time is
// counted from the last send, estimated as the last ACK minus its RTT sample. The timeout is
// the socket's own RTO, fed by its "RTO" trace. BBR is exempt, as in Linux.
#pragma once

#include <string>

#include "ns3/nstime.h"
#include "ns3/ptr.h"
#include "ns3/tcp-socket-base.h"

namespace locosim {

// Gives the sender `socket` (already configured: segment size, initial window) the
// congestion control `tcp` ("cubic" or "newreno") with restart after idle.
void InstallIdleRestart(ns3::Ptr<ns3::TcpSocketBase> socket, const std::string& tcp);

}  // namespace locosim
