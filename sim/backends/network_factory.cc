#include "sim/backends/network_factory.h"

#include <functional>
#include <utility>

#include "sim/core/heap_event_loop.h"
#include "sim/net/analytic_network.h"
#include "sim/net/flow_network.h"
#include "sim/net/jittered_network.h"
#include "sim/net/tcp_correction.h"
#ifdef LOCOSIM_WITH_NS3
#include "sim/net/ns3/ns3_simulation.h"
#endif

namespace locosim {
namespace {

using Factory = std::function<Result<Simulation>(const Topology&, const NetworkOptions&)>;

// A fluid backend with TCP's behaviours on top (sim/net/tcp_correction.h). With every
// behaviour off it is the ideal fluid, apart from the loss-limited rate on lossy paths.
template <typename NetworkType, bool kShares>
Result<Simulation> FluidWithTcp(const Topology& topology, const NetworkOptions& options) {
  auto loop = std::make_unique<HeapEventLoop>();
  std::unique_ptr<Network> network = std::make_unique<NetworkType>(*loop, topology);
  network = std::make_unique<TcpCorrectedNetwork>(*loop, std::move(network),
                                                  TcpCorrectionFor(options), kShares);
  if (HasJitter(topology)) {
    network = std::make_unique<JitteredNetwork>(*loop, std::move(network), options.jitter_seed);
  }
  return Simulation{std::move(loop), std::move(network)};
}

// The registry: one line per backend.
const std::vector<std::pair<std::string, Factory>>& Backends() {
  static const std::vector<std::pair<std::string, Factory>> backends = {
      {"analytic", FluidWithTcp<AnalyticNetwork, false>},
      {"flow", FluidWithTcp<FlowNetwork, true>},
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
  const NetworkOptions::Tcp& tcp = options.tcp;
  if (tcp.streams < 1 || tcp.streams > kMaxTcpStreams) {
    return ConfigError{"", "$.network.tcp.streams",
                       "a stream count in [1, " + std::to_string(kMaxTcpStreams) + "], found " +
                           std::to_string(tcp.streams)};
  }
  if (tcp.mtu_bytes < 576 || tcp.mtu_bytes > 65535) {
    return ConfigError{"", "$.network.tcp.mtu_bytes", "an MTU in [576, 65535] bytes"};
  }
  if (tcp.initial_cwnd_segments < 1) {
    return ConfigError{"", "$.network.tcp.initial_cwnd_segments", "at least 1 segment"};
  }
  if (tcp.min_rto <= SimTime()) return ConfigError{"", "$.network.tcp.min_rto", "a positive time"};
  for (const auto& [name, make] : Backends()) {
    if (name == backend) return make(topology, options);
  }
  std::string expected = "a backend this build has:";
  for (const auto& [name, _] : Backends()) expected += " \"" + name + "\"";
  return ConfigError{"", "$.network.backend", expected + ", found \"" + backend + "\""};
}

}  // namespace locosim
