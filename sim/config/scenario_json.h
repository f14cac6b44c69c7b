// Scenario files: strict parsing into a Scenario (unknown keys are errors with a "did you
// mean", wrong types and out-of-range values name their JSON path), command-line overrides
// (--set path=value), and the resolved scenario written back with every default filled in.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config/config_error.h"
#include "sim/config/scenario.h"
#include "sim/net/topology.h"

namespace locosim {

// Reads, applies `overrides` ("network.backend=ns3", "methods[0].outer_lr=0.5"; the value
// is JSON if it parses as JSON, else a string), parses and validates. Checks that data paths
// exist; does not load the topology (see BuildScenarioTopology).
Result<Scenario> LoadScenarioFile(const std::string& path,
                                  const std::vector<std::string>& overrides = {});
Result<Scenario> ScenarioFromJson(const nlohmann::json& doc, const std::string& file);

// The network the scenario names: the topology file or the generator, overrides applied,
// with at least scenario.replicas replicas (the first ones are used).
Result<Topology> BuildScenarioTopology(const Scenario& scenario);

// Every field, defaults included: what was actually run.
nlohmann::ordered_json ScenarioToJson(const Scenario& scenario);

// Inner steps per replica between syncs for `method` (its own, or the scenario's).
int InnerStepsOf(const Scenario& scenario, const MethodSpec& method);

}  // namespace locosim
