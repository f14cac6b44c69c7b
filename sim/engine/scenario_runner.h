// Runs every method of a scenario, each on a fresh data plane (same seed, so the same
// initial weights and data streams) and a fresh network, and gathers what the results
// folder needs.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "sim/dataplane/data_plane.h"
#include "sim/engine/checkpoint_store.h"
#include "sim/engine/method_runner.h"
#include "sim/record/scenario_run.h"
#include "sim/scenario/scenario.h"

namespace locosim {

using DataPlaneFactory = std::function<std::unique_ptr<DataPlane>()>;

struct RunHooks {
  // Called when a method starts (fraction 0), as it progresses, and when it ends (1).
  std::function<void(const std::string& method, double fraction)> progress;
};

// The bytes of one model-sized message: declared, or the trained model's own size.
Bytes PayloadBytes(const Scenario& scenario, const DataPlane& data);

// The whole run, or what stopped it (the first method that failed; nothing of the run is
// kept then).
using ScenarioRunResult = std::variant<ScenarioRun, RunFailure>;

// With `checkpoints`, every data-plane call is journaled there and a checkpoint saved every
// scenario.checkpoint_every_rounds rounds; a store opened from a killed run's folder resumes
// it. Throws CheckpointError when a checkpoint cannot be written or does not match the run.
// REQUIRES: scenario validated, topology = BuildScenarioTopology(scenario).
ScenarioRunResult RunScenario(const Scenario& scenario, const Topology& topology,
                              const DataPlaneFactory& make_data_plane, const RunHooks& hooks = {},
                              CheckpointStore* checkpoints = nullptr);

}  // namespace locosim
