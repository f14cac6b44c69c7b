// The results folder's layout, shared by the writer (results_files.cc) and every reader
// (tools/report/run_results.cc): file names, the schema version of summary.json and the CSV
// headers. docs/results.md documents each column.
#pragma once

#include <string_view>

namespace locosim::results {

inline constexpr int kSchemaVersion = 1;  // summary.json "schema_version"

inline constexpr std::string_view kSummaryFile = "summary.json";
inline constexpr std::string_view kCurvesFile = "curves.csv";
inline constexpr std::string_view kSyncsFile = "syncs.csv";
inline constexpr std::string_view kTraceFile = "trace.json";
inline constexpr std::string_view kScenarioFile = "scenario.json";
// In the partial folder of a run that checkpoints, never in a finished results folder.
inline constexpr std::string_view kCheckpointFolder = "checkpoint";

inline constexpr std::string_view kCurvesHeader =
    "method,series,round,step,virtual_time_s,train_loss,eval_loss,eval_perplexity,eval_accuracy,"
    "eval_reward_margin";
inline constexpr int kCurvesColumns = 10;
// Results written before the DPO objective lack the last column; readers still take them.
inline constexpr std::string_view kCurvesHeaderWithoutRewardMargin =
    "method,series,round,step,virtual_time_s,train_loss,eval_loss,eval_perplexity,eval_accuracy";

inline constexpr std::string_view kSyncsHeader =
    "method,replica,round,arrived_s,started_s,done_s,idle_s,communicate_s,latency_s";
inline constexpr int kSyncsColumns = 9;
inline constexpr int kSyncsLatencyColumn = 8;  // latency_s = done_s - arrived_s

}  // namespace locosim::results
