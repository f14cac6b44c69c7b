#include "sim/net/network_factory.h"

#include <functional>
#include <utility>

#include "sim/core/heap_event_loop.h"
#include "sim/net/analytic_network.h"
#include "sim/net/flow_network.h"
#ifdef LOCOSIM_WITH_NS3
#include "sim/net/ns3/ns3_simulation.h"
#endif

namespace locosim {
namespace {

using Factory = std::function<Simulation(const Topology&, const NetworkOptions&)>;

template <typename NetworkType>
Simulation OnHeapLoop(const Topology& topology, const NetworkOptions&) {
  auto loop = std::make_unique<HeapEventLoop>();
  auto network = std::make_unique<NetworkType>(*loop, topology);
  return Simulation{std::move(loop), std::move(network)};
}

const std::vector<std::pair<std::string, Factory>>& Backends() {
  static const std::vector<std::pair<std::string, Factory>> backends = {
      {"analytic", OnHeapLoop<AnalyticNetwork>},
      {"flow", OnHeapLoop<FlowNetwork>},
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

std::optional<Simulation> MakeSimulation(const std::string& backend, const Topology& topology,
                                         const NetworkOptions& options) {
  for (const auto& [name, make] : Backends()) {
    if (name == backend) return make(topology, options);
  }
  return std::nullopt;
}

}  // namespace locosim
