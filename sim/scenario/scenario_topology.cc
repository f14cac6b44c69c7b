#include "sim/scenario/scenario_topology.h"

#include "sim/config/topology_json.h"
#include "sim/topogen/generators.h"

namespace locosim {

Result<Topology> BuildScenarioTopology(const Scenario& s) {
  const NetworkSpec& n = s.network;
  Topology t;
  if (!n.topology_file.empty()) {
    auto loaded = LoadTopologyFile(n.topology_file);
    if (!loaded) return loaded.error();
    t = std::move(*loaded);
  } else if (n.generator == "star") {
    t = MakeStar({s.replicas, n.bandwidth, n.latency});
  } else if (n.generator == "ring") {
    t = MakeRing({s.replicas, n.bandwidth, n.latency});
  } else if (n.generator == "regions") {
    const int per_region = (s.replicas + n.regions - 1) / n.regions;
    t = MakeRegions(
        {n.regions, per_region, n.bandwidth, n.latency, n.wan_bandwidth, n.wan_latency});
  } else {
    InternetParams p;
    p.replicas = s.replicas;
    p.regions = n.regions;
    p.seed = n.generator_seed;
    t = MakeInternet(p);
  }
  if (t.replica_count() < s.replicas) {
    return ConfigError{s.file, "$.network.topology",
                       "a topology with at least the scenario's " + std::to_string(s.replicas) +
                           " replicas; " +
                           (n.topology_file.empty() ? "the generator" : n.topology_file) + " has " +
                           std::to_string(t.replica_count())};
  }
  for (Link& link : t.links) {
    if (n.override_bandwidth) link.bandwidth = *n.override_bandwidth;
    if (n.override_latency) link.latency = *n.override_latency;
    if (n.override_loss_rate) link.loss_rate = *n.override_loss_rate;
    if (n.override_jitter) link.jitter = *n.override_jitter;
  }
  t.replicas.resize(s.replicas);
  return t;
}

}  // namespace locosim
