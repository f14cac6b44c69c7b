#include "sim/net/ns3/ns3_simulation.h"

#include <memory>

#include "sim/net/jittered_network.h"
#include "sim/net/ns3/ns3_event_loop.h"
#include "sim/net/ns3/ns3_network.h"

namespace locosim {

std::string CheckNs3Options(const NetworkOptions& options) {
  const NetworkOptions::Ns3& o = options.ns3;
  const std::string& cc = options.tcp.congestion_control;
  if (cc != "cubic" && cc != "newreno" && cc != "bbr") {
    return "congestion control: expected cubic, newreno or bbr, found \"" + cc + "\"";
  }
  if (o.queue_disc != "fq_codel" && o.queue_disc != "pfifo" && o.queue_disc != "red") {
    return "queue disc: expected fq_codel, pfifo or red, found \"" + o.queue_disc + "\"";
  }
  if (o.stall_timeout <= SimTime()) return "stall timeout: expected a positive time";
  return "";
}

Result<Simulation> MakeNs3Simulation(const Topology& topology, const NetworkOptions& options) {
  if (const auto off = FluidOnlyTcpSettingOff(options.tcp)) {
    return ConfigError{"", "$.network.tcp." + off->field,
                       "true with the ns3 backend, which simulates TCP packet by packet (turning "
                       "it off is for the fluid backends' lower bounds)"};
  }
  if (HasJitter(topology)) {
    return ConfigError{"", "$.network",
                       "no latency jitter with the ns3 backend (its links have fixed delays); "
                       "use analytic or flow, or remove the links' \"jitter\""};
  }
  if (std::string problem = CheckNs3Options(options); !problem.empty()) {
    return ConfigError{"", "$.network.ns3", "options the ns-3 backend can honour; " + problem};
  }
  auto loop = std::make_unique<Ns3EventLoop>();
  auto network = std::make_unique<Ns3Network>(*loop, topology, options);
  return Simulation{std::move(loop), std::move(network)};
}

}  // namespace locosim
