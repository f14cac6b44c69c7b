#include "sim/net/ns3/ns3_idle_restart.h"

#include <algorithm>
#include <string>

#include "ns3/callback.h"
#include "ns3/simulator.h"
#include "ns3/tcp-congestion-ops.h"
#include "ns3/tcp-cubic.h"
#include "ns3/tcp-socket-state.h"

#include "sim/net/tcp_correction.h"

namespace locosim {
namespace {

template <typename Base>
class IdleRestart final : public Base {
 public:
  static ns3::TypeId GetTypeId() {
    static ns3::TypeId tid = ns3::TypeId(Name())
                                 .SetParent<Base>()
                                 .SetGroupName("Internet")
                                 .template AddConstructor<IdleRestart>();
    return tid;
  }

  IdleRestart() = default;
  IdleRestart(const IdleRestart&) = default;

  std::string GetName() const override { return Name(); }

  void SetRto(ns3::Time, ns3::Time rto) { rto_ = rto; }

  void PktsAcked(ns3::Ptr<ns3::TcpSocketState> tcb, uint32_t segments,
                 const ns3::Time& rtt) override {
    Base::PktsAcked(tcb, segments, rtt);
    last_ack_ = ns3::Simulator::Now();
    last_rtt_ = rtt;
    acked_ = true;
  }

  void CwndEvent(ns3::Ptr<ns3::TcpSocketState> tcb,
                 const ns3::TcpSocketState::TcpCAEvent_t event) override {
    Base::CwndEvent(tcb, event);
    if (event != ns3::TcpSocketState::CA_EVENT_TX_START || !acked_) return;
    const ns3::Time idle = ns3::Simulator::Now() - (last_ack_ - last_rtt_);
    const double cwnd = tcb->m_cWnd.Get();
    const double initial = static_cast<double>(tcb->m_initialCWnd) * tcb->m_segmentSize;
    const double restarted = RestartWindow(cwnd, initial, Nanoseconds(idle.GetNanoSeconds()),
                                           Nanoseconds(rto_.GetNanoSeconds()));
    if (restarted >= cwnd) return;
    tcb->m_ssThresh = std::max<uint32_t>(tcb->m_ssThresh.Get(), static_cast<uint32_t>(0.75 * cwnd));
    tcb->m_cWnd = static_cast<uint32_t>(restarted);
  }

  ns3::Ptr<ns3::TcpCongestionOps> Fork() override { return ns3::CopyObject<IdleRestart>(this); }

 private:
  static std::string Name() { return "locosim::IdleRestart<" + Base::GetTypeId().GetName() + ">"; }

  ns3::Time rto_ = ns3::Seconds(1);
  ns3::Time last_ack_;
  ns3::Time last_rtt_;
  bool acked_ = false;
};

template <typename Base>
void Install(ns3::Ptr<ns3::TcpSocketBase> socket) {
  auto cc = ns3::CreateObject<IdleRestart<Base>>();
  socket->TraceConnectWithoutContext("RTO", ns3::MakeCallback(&IdleRestart<Base>::SetRto, cc));
  socket->SetCongestionControlAlgorithm(cc);
}

}  // namespace

void InstallIdleRestart(ns3::Ptr<ns3::TcpSocketBase> socket, const std::string& tcp) {
  if (tcp == "newreno") {
    Install<ns3::TcpNewReno>(socket);
  } else {
    Install<ns3::TcpCubic>(socket);
  }
}

}  // namespace locosim
