// The table printed at the end of `locosim run`: one row per method, then a line per method
// whose loss became NaN or infinite (its final loss reads DIVERGED).
#pragma once

#include <string>

#include "sim/record/results_files.h"
#include "sim/record/scenario_run.h"

namespace locosim::cli {

std::string ComparisonTable(const ScenarioRun& run);

// "noloco diverged: replica 3's loss is nan at step 40 (virtual time 12.00 s)".
std::string DivergenceLine(const std::string& method, const Divergence& divergence);

// Whether any method of `run` diverged (`locosim run` then exits with status 3).
bool AnyDiverged(const ScenarioRun& run);

}  // namespace locosim::cli
