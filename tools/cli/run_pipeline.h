// The run machinery that `validate`, `run` and `sweep` share: load a scenario with its
// overrides and method filter, check everything that can be checked before the first step,
// then run every method and write one results folder.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "locosim/distributed/rank_group.h"
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
  // This process is one rank of several (tools/cli/rank_options.h); null: the only one.
  std::shared_ptr<trainers::RankGroup> ranks;
  bool root() const { return !ranks || ranks->rank() == 0; }
};

struct PreparedRun {
  Scenario scenario;  // overrides applied, filtered to the requested methods
  Topology topology;
  bool timing_only = false;
  RunRequest request;  // what made it, kept with its checkpoints for --resume
};

// Loads and checks the scenario, its topology and (unless timing-only) its model and data.
// Every failure is a ConfigError naming the file or option and what was expected.
Result<PreparedRun> PrepareRun(const RunRequest& request);

// Called as each method starts (fraction 0), progresses, and ends (1).
using ProgressFn = std::function<void(const std::string& method, double fraction)>;

// What a run over `world_size` ranks cannot do, refused before any rank waits for another:
// the scenario with its overrides and method filter is read and checked (a measured step
// time and checkpoints are refused, as is timing-only).
std::optional<ConfigError> CheckRunOverRanks(const RunRequest& request, int world_size);

// Runs every method of `prepared` and writes the results folder `out` (which must not
// exist); over several ranks, every rank runs and rank 0 alone writes. Returns the exit status
// after reporting any failure on stderr: 0, 1 when the packet-level backend's watchdog stopped a
// stalled network (nothing written) or a checkpoint could not be written, 2 when the folder could
// not be written. On success `*result` (if given) receives the run.
//
// A scenario with checkpoint_every_rounds keeps its checkpoints in the run's partial folder
// (sim/record/results_files.h) from the start; so that killed runs are not forgotten, every
// run first lists those it finds beside `out` (and removes the ones that hold no checkpoint).
int ExecuteRun(const PreparedRun& prepared, const std::string& out, const ProgressFn& progress,
               ScenarioRun* result = nullptr);

// `locosim run --resume DIR`: the killed run whose partial folder is `dir`, with the scenario
// file, overrides and results folder it was started with (refused if the scenario has
// changed since, or its process is still running).
struct ResumePlan {
  std::string dir;
  PreparedRun prepared;
  std::string out;  // the results folder, absolute
};
Result<ResumePlan> PrepareResume(const std::string& dir);
// Continues it from its last checkpoint. Statuses as ExecuteRun's.
int ExecuteResume(const ResumePlan& plan, const ProgressFn& progress, ScenarioRun* result);

// The current UTC time in strftime `format`, e.g. "%Y%m%d-%H%M%S" for folder names.
std::string UtcNow(const char* format);

}  // namespace locosim::cli
