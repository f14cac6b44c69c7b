// A results folder (docs/results.md) read back for reports: summary.json's trained and
// modelled sections and per-method figures, and every sync event's latency from syncs.csv.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/config_error.h"

namespace locosim::report {

// What was really trained: the proxy.
struct Trained {
  std::string model;
  std::int64_t parameters = 0;
  std::int64_t model_bytes = 0;
  std::optional<std::string> data;  // absent for a timing-only run
  int replicas = 0;
  int steps_per_replica = 0;
};

// What was simulated on the wire and on the accelerator: the target.
struct Modelled {
  std::int64_t payload_bytes = 0;
  std::string payload_source;
  std::string compute_source;
  double step_time_s = 0;
  double jitter_sigma = 0;
  double straggler_fraction = 0, straggler_slowdown = 1;
  int stragglers = 0;  // how many replicas were drawn slow
  std::optional<double> target_parameters;
  std::optional<double> tokens_per_step;
  std::string backend, topology, topology_file;
  int nodes = 0, links = 0;
};

struct EvalSample {
  int step = 0;
  double time_s = 0;
  std::optional<double> loss;  // absent in a timing-only run
};

struct LinkLoad {
  std::string link, from, to;
  double bytes = 0;
};

struct MethodResult {
  std::string name, kind;
  int inner_steps = 0;
  std::optional<double> final_eval_loss;
  // summary.json's final_eval: classifiers' accuracy; DPO's preference accuracy and reward margin
  std::optional<double> final_eval_accuracy;
  std::optional<double> final_eval_reward_margin;
  std::optional<double> time_to_target_s;
  std::optional<int> diverged_at_step;  // the first NaN or infinite loss (summary "diverged")
  double virtual_time_s = 0;
  double idle_mean = 0, idle_p50 = 0, idle_p99 = 0;
  double sync_mean_s = 0, sync_p50_s = 0, sync_p99_s = 0;
  double bytes_sent = 0;
  double compute_s = 0, communicate_s = 0, idle_s = 0;  // mean over replicas
  std::vector<EvalSample> eval_curve;
  std::vector<LinkLoad> busiest_links;
  std::vector<double> sync_latencies_s;  // every sync event, from syncs.csv
};

struct RunResults {
  std::string dir;
  std::string label;  // how series are named: "<label>/<method>"; the folder's name by default
  std::string name;   // the scenario's
  std::uint64_t seed = 0;
  Trained trained;
  Modelled modelled;
  std::optional<double> target_loss;
  std::vector<MethodResult> methods;  // in the order they ran
};

// Reads `dir`/summary.json and `dir`/syncs.csv. Fails with the file, the JSON path or CSV
// line, and what was expected: a folder that is not there, a file missing, malformed JSON,
// a field of the wrong type.
Result<RunResults> LoadRunResults(const std::string& dir);

// The method of `run` named `name`, or nullptr.
const MethodResult* FindMethod(const RunResults& run, const std::string& name);

// Labels runs by folder name, falling back to the path as given where two names collide.
void LabelRuns(std::vector<RunResults>& runs);

}  // namespace locosim::report
