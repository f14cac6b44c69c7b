// Scenario files (sim/scenario/scenario_reader.h), through every check `locosim validate
// --timing-only` makes before a run: parse, echo, generated topology, virtual-time bound.
// Besides not crashing: a scenario that loads echoes to a document that loads again to the
// same echo (scenario.json in a results folder must rerun).
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "sim/config/json_reader.h"
#include "sim/engine/scenario_runner.h"
#include "sim/engine/time_budget.h"
#include "sim/engine/timing_only_data_plane.h"
#include "sim/scenario/scenario_echo.h"
#include "sim/scenario/scenario_reader.h"
#include "sim/scenario/scenario_topology.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace locosim;
  const std::string file = "fuzz-scenario.json";
  try {
    const nlohmann::json doc = ParseJsonText(fuzz::AsText(data, size), file);
    const Result<Scenario> scenario = ScenarioFromJson(doc, file);
    if (!scenario) return 0;
    const std::string echo = ScenarioToJson(*scenario).dump();
    const Result<Scenario> again = ScenarioFromJson(nlohmann::json::parse(echo), file);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(ScenarioToJson(*again).dump() == echo);
    // Generated topologies only: a file path would make the target read the disk.
    if (scenario->network.generator.empty()) return 0;
    const Result<Topology> topology = BuildScenarioTopology(*scenario);
    if (!topology) return 0;
    const Bytes payload = PayloadBytes(*scenario, TimingOnlyDataPlane(scenario->replicas));
    (void)CheckVirtualTimeFits(*scenario, *topology, payload);
  } catch (const ConfigException&) {
  }
  return 0;
}
