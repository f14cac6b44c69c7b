// A whole `locosim run`: the resolved inputs, what was trained and modelled, each method's
// run, and the host facts kept apart from simulated results. Rendered into the results
// folder by sim/record/results_files.h.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sim/net/topology.h"
#include "sim/record/method_run.h"
#include "sim/scenario/scenario.h"

namespace locosim {

struct HostInfo {
  std::string started_at_utc;
  double wall_seconds = 0;
  std::map<std::string, std::string> versions;  // "locosim", "git_revision", "libtorch", ...
  int threads = 0;                              // per process
  int ranks = 1;  // processes the replicas were spread over (locosim/distributed/rank_group.h)
  // "" for a run that went through uninterrupted; for `locosim run --resume`, which
  // checkpoint it went on from ("method diloco, checkpoint 3 (after 1234 data-plane calls)").
  std::string resumed_from;
};

struct ScenarioRun {
  Scenario scenario;
  Topology topology;
  std::string trained_model;  // the data plane's description
  bool trains = true;         // false: timing only, nothing trained, losses absent
  std::int64_t parameter_count = 0;
  Bytes model_bytes;
  Bytes payload;                // bytes of one model-sized message on the wire
  std::string payload_source;   // "trained model" or "declared"
  std::string compute_source;   // "declared", "derived from a target model", "measured"
  SimTime base_step_time;       // zero when measured
  std::vector<int> stragglers;  // replica indices
  std::vector<MethodRun> methods;
  HostInfo host;
};

}  // namespace locosim
