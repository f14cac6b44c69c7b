// The table printed at the end of `locosim run`: one row per method.
#pragma once

#include <string>

#include "sim/record/scenario_run.h"

namespace locosim::cli {

std::string ComparisonTable(const ScenarioRun& run);

}  // namespace locosim::cli
