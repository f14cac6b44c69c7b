// Scenario files: strict parsing into a Scenario (unknown keys are errors with a "did you
// mean", wrong types and out-of-range values name their JSON path). Overrides are in
// scenario_overrides.h, the topology in scenario_topology.h, the echo in scenario_echo.h.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/config_error.h"
#include "sim/scenario/scenario.h"

namespace locosim {

// Reads, applies `overrides` ("network.backend=ns3", "methods[0].outer_lr=0.5"; the value
// is JSON if it parses as JSON, else a string), parses and validates. Checks that data paths
// exist; does not load the topology (see BuildScenarioTopology).
Result<Scenario> LoadScenarioFile(const std::string& path,
                                  const std::vector<std::string>& overrides = {});
Result<Scenario> ScenarioFromJson(const nlohmann::json& doc, const std::string& file);

// Inner steps per replica between syncs for `method` (its own, or the scenario's).
int InnerStepsOf(const Scenario& scenario, const MethodSpec& method);
// TCP connections per transfer for `method` (its own, or network.tcp.streams).
int StreamsOf(const Scenario& scenario, const MethodSpec& method);

}  // namespace locosim
