// The files of a results folder: summary.json (schema in docs/results.md), curves.csv,
// syncs.csv (every sync event), trace.json (Chrome trace events, opens in Perfetto) and
// scenario.json (resolved).
// Everything outside summary.json's "host" section depends only on the scenario, its seed
// and the build, so two runs give byte-identical files.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "sim/record/event_files.h"
#include "sim/record/scenario_run.h"

namespace locosim {

// The first non-finite loss of a method that trains: a replica's training loss, or the mean
// model's evaluation (replica empty). Timing-only runs have no losses and never diverge.
struct Divergence {
  std::optional<int> replica;
  int step = 0;
  SimTime time;
  double loss = 0;  // NaN or ±inf
};
std::optional<Divergence> FirstDivergence(const MethodRun& run, bool trains);

// One method's headline figures, as in summary.json.
struct MethodSummary {
  std::string name;
  double final_eval_loss = 0;
  // Linear in loss between the two evaluations that bracket the target (the last above it,
  // the first at or below), which `time_to_target_bracket_s` gives; the first evaluation's
  // time when already at or below it.
  std::optional<double> time_to_target_s;
  std::optional<std::pair<double, double>> time_to_target_bracket_s;
  double virtual_time_s = 0;
  double idle_fraction_mean = 0, idle_fraction_p50 = 0, idle_fraction_p99 = 0;
  double sync_latency_mean_s = 0, sync_latency_p50_s = 0, sync_latency_p99_s = 0;
  double bytes_sent_total = 0;
  std::optional<Divergence> diverged;
};
MethodSummary SummarizeMethod(const MethodRun& run, std::optional<double> target_loss,
                              bool trains = true);

nlohmann::ordered_json SummaryJson(const ScenarioRun& run);
// The resolved scenario as scenario.json has it: as ScenarioToJson, with the topology and data
// paths made absolute, so that `locosim run DIR/scenario.json` reruns it from anywhere.
nlohmann::ordered_json RerunnableScenarioJson(const Scenario& scenario);

// The temporary folder that results folder `dir` is written in: ".NAME.partial-PID" beside
// it. A run that checkpoints keeps its checkpoints there (in checkpoint/) from its start, so
// such a folder that outlives its process is a killed run's, which `locosim run --resume`
// continues.
std::string PartialFolderFor(const std::string& dir, long pid);
// The PID in the name of a folder made by PartialFolderFor (`path` may end in "/"), or
// nullopt for any other name.
std::optional<long> PartialFolderPid(const std::string& path);

// Writes all the files into a new folder `dir`, atomically: they are written to
// PartialFolderFor(dir, this process), which is renamed to `dir` at the end (its checkpoint/
// removed first). Fails if `dir` exists. Returns an error message, or nullopt.
std::optional<std::string> WriteResultsFolder(const ScenarioRun& run, const std::string& dir);

}  // namespace locosim
