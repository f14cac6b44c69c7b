// Topology files (sim/config/topology_json.h). Besides not crashing: a topology that loads
// echoes to a document that loads again to the same echo (what a results folder keeps must
// rerun), and routing over it works.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "sim/config/json_reader.h"
#include "sim/config/topology_json.h"
#include "sim/net/routing.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace locosim;
  const std::string file = "fuzz-topology.json";
  try {
    const nlohmann::json doc = ParseJsonText(fuzz::AsText(data, size), file);
    const Result<Topology> topology = TopologyFromJson(doc, file);
    if (!topology) {
      FUZZ_CHECK(!topology.error().message().empty());
      return 0;
    }
    const std::string echo = TopologyToJson(*topology).dump();
    const Result<Topology> again = TopologyFromJson(nlohmann::json::parse(echo), file);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(TopologyToJson(*again).dump() == echo);
    Routing routing(*topology);
    // A valid topology connects every replica (ValidateTopology).
    const NodeIndex first = topology->replicas.front();
    for (NodeIndex r : topology->replicas) {
      if (r != first) FUZZ_CHECK(routing.path(first, r).latency >= SimTime());
    }
  } catch (const ConfigException&) {
  }
  return 0;
}
