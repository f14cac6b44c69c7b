#include "sim/backends/network_factory.h"

#include <functional>
#include <utility>

#include "sim/core/heap_event_loop.h"
#include "sim/net/analytic_network.h"
#include "sim/net/flow_network.h"
#include "sim/net/tcp_correction.h"
#ifdef LOCOSIM_WITH_NS3
#include "sim/net/ns3/ns3_simulation.h"
#endif

namespace locosim {
namespace {

using Factory = std::function<Result<Simulation>(const Topology&, const NetworkOptions&)>;

template <typename NetworkType>
Result<Simulation> OnHeapLoop(const Topology& topology, const NetworkOptions&) {
  auto loop = std::make_unique<HeapEventLoop>();
  auto network = std::make_unique<NetworkType>(*loop, topology);
  return Simulation{std::move(loop), std::move(network)};
}

Result<Simulation> Flow(const Topology& topology, const NetworkOptions& options) {
  Simulation sim = std::move(*OnHeapLoop<FlowNetwork>(topology, options));
  const NetworkOptions::Flow& f = options.flow;
  if (f.tcp_startup || f.tcp_loss) {
    TcpCorrection tcp;
    tcp.startup = f.tcp_startup;
    tcp.loss = f.tcp_loss;
    tcp.segment = Bytes(f.segment_bytes);
    tcp.initial_cwnd_segments = f.initial_cwnd_segments;
    tcp.min_rto = f.min_rto;
    sim.network = std::make_unique<TcpCorrectedNetwork>(*sim.loop, std::move(sim.network), tcp);
  }
  return sim;
}

// The registry: one line per backend.
const std::vector<std::pair<std::string, Factory>>& Backends() {
  static const std::vector<std::pair<std::string, Factory>> backends = {
      {"analytic", OnHeapLoop<AnalyticNetwork>},
      {"flow", Flow},
#ifdef LOCOSIM_WITH_NS3
      {"ns3", MakeNs3Simulation},
#endif
  };
  return backends;
}

}  // namespace

std::vector<std::string> BackendNames() {
  std::vector<std::string> names;
  for (const auto& [name, _] : Backends()) names.push_back(name);
  return names;
}

Result<Simulation> MakeSimulation(const std::string& backend, const Topology& topology,
                                  const NetworkOptions& options) {
  for (const auto& [name, make] : Backends()) {
    if (name == backend) return make(topology, options);
  }
  std::string expected = "a backend this build has:";
  for (const auto& [name, _] : Backends()) expected += " \"" + name + "\"";
  return ConfigError{"", "$.network.backend", expected + ", found \"" + backend + "\""};
}

}  // namespace locosim
