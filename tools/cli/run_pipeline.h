// The run machinery that `validate`, `run` and `sweep` share: load a scenario with its
// overrides and method filter, check everything that can be checked before the first step,
// then run every method and write one results folder.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/config_error.h"
#include "sim/net/topology.h"
#include "sim/record/scenario_run.h"
#include "sim/scenario/scenario.h"

namespace locosim::cli {

struct RunRequest {
  std::string scenario;           // scenario file
  std::vector<std::string> sets;  // --set path=value overrides, applied in order
  std::string methods;            // --methods a,b: only these ("" = all)
  bool timing_only = false;       // no training: sim/engine/timing_only_data_plane.h
};

struct PreparedRun {
  Scenario scenario;  // overrides applied, filtered to the requested methods
  Topology topology;
  bool timing_only = false;
};

// Loads and checks the scenario, its topology and (unless timing-only) its model and data.
// Every failure is a ConfigError naming the file or option and what was expected.
Result<PreparedRun> PrepareRun(const RunRequest& request);

// Called as each method starts (fraction 0), progresses, and ends (1).
using ProgressFn = std::function<void(const std::string& method, double fraction)>;

// Runs every method of `prepared` and writes the results folder `out` (which must not
// exist). Returns the exit status after reporting any failure on stderr: 0, 1 when the
// packet-level backend's watchdog stopped a stalled network (nothing written), 2 when the
// folder could not be written. On success `*result` (if given) receives the run.
int ExecuteRun(const PreparedRun& prepared, const std::string& out, const ProgressFn& progress,
               ScenarioRun* result = nullptr);

// The current UTC time in strftime `format`, e.g. "%Y%m%d-%H%M%S" for folder names.
std::string UtcNow(const char* format);

}  // namespace locosim::cli
