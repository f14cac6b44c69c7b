// The resolved scenario, every default filled in: what was actually run. Written into every
// results folder (scenario.json and summary.json's "scenario"); reading it back gives the
// same scenario.
#pragma once

#include <nlohmann/json.hpp>

#include "sim/scenario/scenario.h"

namespace locosim {

nlohmann::ordered_json ScenarioToJson(const Scenario& scenario);

}  // namespace locosim
