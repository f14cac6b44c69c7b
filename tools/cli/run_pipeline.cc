#include "tools/cli/run_pipeline.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include <signal.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "sim/engine/checkpoint_store.h"
#include "sim/engine/scenario_runner.h"
#include "sim/engine/time_budget.h"
#include "sim/engine/timing_only_data_plane.h"
#include "sim/record/results_files.h"
#include "sim/record/results_schema.h"
#include "sim/scenario/scenario_echo.h"
#include "sim/scenario/scenario_reader.h"
#include "sim/scenario/scenario_topology.h"
#include "tools/cli/build_info.h"
#include "tools/cli/command.h"
#include "tools/glue/torch_data_plane.h"

namespace locosim::cli {
namespace {

// Keeps the methods named in `list` (comma-separated), in the scenario's order.
std::optional<ConfigError> FilterMethods(Scenario& scenario, const std::string& list) {
  if (list.empty()) return std::nullopt;
  std::set<std::string> wanted;
  std::stringstream names(list);
  std::string name;
  while (std::getline(names, name, ',')) wanted.insert(name);
  for (const std::string& w : wanted) {
    const bool known = std::any_of(scenario.methods.begin(), scenario.methods.end(),
                                   [&](const MethodSpec& m) { return m.name == w; });
    if (!known) {
      std::string listed;
      for (const MethodSpec& m : scenario.methods) listed += (listed.empty() ? "" : ", ") + m.name;
      return ConfigError{"--methods", "",
                         "names from the scenario (" + listed + "), found \"" + w + "\""};
    }
  }
  std::vector<MethodSpec> kept;
  for (const MethodSpec& m : scenario.methods) {
    if (wanted.count(m.name)) kept.push_back(m);
  }
  scenario.methods = std::move(kept);
  return std::nullopt;
}

std::unique_ptr<DataPlane> MakeDataPlane(const Scenario& s, const RunRequest& request) {
  if (request.timing_only) return std::make_unique<TimingOnlyDataPlane>(s.replicas);
  return std::move(*MakeTorchDataPlane(s, request.ranks));  // checked by PrepareRun
}

// What a run over several ranks cannot do yet, refused before it starts.
std::optional<ConfigError> CheckRunsOverRanks(const Scenario& s, const RunRequest& request,
                                              int world_size) {
  const std::string& file = request.scenario;
  const auto refuse = [&](const std::string& field, const std::string& expected) {
    return ConfigError{file, field, expected + " in a run over several ranks"};
  };
  // A measured step time differs from rank to rank, and the ranks' clocks must agree.
  if (s.compute.measured) return refuse("$.compute.measured", "a declared or derived step time");
  if (request.timing_only)
    return ConfigError{"--timing-only", "", "a run that trains (one process suffices for timing)"};
  if (s.checkpoint_every_rounds > 0)
    return refuse("$.checkpoint_every_rounds", "0 (no checkpoints)");
  if (s.replicas < world_size)
    return refuse("$.replicas",
                  "at least one replica per rank (" + std::to_string(world_size) + ")");
  return std::nullopt;
}

// Why the results folder `out` could not be created, or nullopt: its parent is made if
// missing, and must accept a new entry.
std::optional<std::string> CheckWritableParent(const std::string& out) {
  namespace fs = std::filesystem;
  fs::path parent = fs::path(out).parent_path();
  if (parent.empty()) parent = ".";
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return "--out: cannot create " + parent.string() + " (" + ec.message() + ")";
  const fs::path probe =
      parent / ("." + fs::path(out).filename().string() + ".probe-" + std::to_string(::getpid()));
  fs::create_directory(probe, ec);
  if (ec) return "--out: cannot write in " + parent.string() + " (" + ec.message() + ")";
  fs::remove(probe, ec);
  return std::nullopt;
}

bool ProcessIsRunning(long pid) {
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// Partial folders beside `out` whose process is gone: a killed run's. Those with checkpoints
// are listed with the command that resumes them; the others hold nothing worth keeping (a
// run killed while writing its results) and are removed.
void TendLeftoverPartialFolders(const std::string& out) {
  namespace fs = std::filesystem;
  fs::path parent = fs::path(out).parent_path();
  if (parent.empty()) parent = ".";
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(parent, ec)) {
    const std::optional<long> pid = PartialFolderPid(entry.path().filename().string());
    if (!pid || *pid == ::getpid() || ProcessIsRunning(*pid) || !entry.is_directory(ec)) continue;
    const fs::path manifest =
        entry.path() / std::string(results::kCheckpointFolder) / "checkpoint.json";
    if (fs::exists(manifest, ec)) {
      std::cerr << "locosim: note: " << entry.path().string()
                << " holds the checkpoints of a run that was killed; `locosim run --resume "
                << entry.path().string() << "` continues it (or delete it)\n";
    } else {
      fs::remove_all(entry.path(), ec);
      std::cerr << "locosim: note: removed " << entry.path().string()
                << ", left by a run killed before it finished (it held no checkpoint)\n";
    }
  }
}

// What --resume needs to rerun exactly this: kept in the checkpoint manifest.
nlohmann::ordered_json RequestJson(const PreparedRun& p, const std::string& out) {
  namespace fs = std::filesystem;
  return {{"scenario", fs::absolute(p.request.scenario).lexically_normal().string()},
          {"sets", p.request.sets},
          {"methods", p.request.methods},
          {"timing_only", p.timing_only},
          {"out", fs::absolute(out).lexically_normal().string()},
          {"resolved_scenario", ScenarioToJson(p.scenario)}};
}

// Runs `prepared` (journaled into `checkpoints` if given) and writes `out`.
int RunAndWrite(const PreparedRun& prepared, const std::string& out, const ProgressFn& progress,
                ScenarioRun* result, CheckpointStore* checkpoints) {
  const Scenario& s = prepared.scenario;
  const auto wall_start = std::chrono::steady_clock::now();
  const std::string started = UtcNow("%Y-%m-%dT%H:%M:%SZ");
  const auto drop_partial_folder = [&] {
    std::error_code ec;
    if (checkpoints) std::filesystem::remove_all(PartialFolderFor(out, ::getpid()), ec);
  };
  std::string resumed_from;
  if (checkpoints && checkpoints->manifest().checkpoint + checkpoints->manifest().method > 0) {
    const CheckpointManifest& m = checkpoints->manifest();
    resumed_from = m.method < static_cast<int>(s.methods.size())
                       ? "method " + s.methods[static_cast<std::size_t>(m.method)].name +
                             ", checkpoint " + std::to_string(m.checkpoint) + " (after " +
                             std::to_string(m.mark.calls) + " data-plane calls)"
                       : "the end of the last method";
  }
  std::optional<ScenarioRunResult> ran;
  try {
    ran = RunScenario(
        s, prepared.topology, [&] { return MakeDataPlane(s, prepared.request); },
        RunHooks{progress}, checkpoints);
  } catch (const CheckpointError& e) {
    ran = RunFailure{RunFailure::Kind::kCheckpoint, e.what()};
  } catch (const trainers::TrainerError& e) {
    // Over several ranks: a rank that exited or hung (trainers::RankLost). The others stop
    // too, and nothing is written: a results folder appears only whole.
    const std::string rank = prepared.request.ranks
                                 ? "rank " + std::to_string(prepared.request.ranks->rank()) + ": "
                                 : "";
    drop_partial_folder();
    std::cerr << "\nlocosim: " << rank << e.what() << "\nno results were written\n";
    return 1;
  }
  ScenarioRunResult& outcome = *ran;
  if (auto* failure = std::get_if<RunFailure>(&outcome)) {
    if (failure->kind == RunFailure::Kind::kCheckpoint) {
      // What was checkpointed stays, for a later --resume.
      std::cerr << "\nlocosim: " << failure->message << "\nno results were written\n";
      return 1;
    }
    drop_partial_folder();
    if (failure->kind == RunFailure::Kind::kBadNetworkOptions)
      return ReportBadInput(failure->message);
    // The packet-level backend's watchdog: say which transfers were stuck, write nothing.
    std::cerr << "\nlocosim: " << failure->message << "\nno results were written\n";
    return 1;
  }
  ScenarioRun run = std::move(std::get<ScenarioRun>(outcome));
  run.host.started_at_utc = started;
  run.host.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  run.host.threads = ThreadsPerProcess(s.threads);
  run.host.ranks = prepared.request.ranks ? prepared.request.ranks->world_size() : 1;
  if (!prepared.request.root()) return 0;  // rank 0 writes the results
  run.host.versions = {
      {"locosim", kLocosimVersion}, {"git_revision", kGitRevision}, {"libtorch", TorchVersion()}};
  run.host.resumed_from = resumed_from;
  if (auto error = WriteResultsFolder(run, out)) return ReportBadInput(*error);
  if (result) *result = std::move(run);
  return 0;
}

}  // namespace

Result<PreparedRun> PrepareRun(const RunRequest& request) {
  auto scenario = LoadScenarioFile(request.scenario, request.sets);
  if (!scenario) return scenario.error();
  if (auto error = FilterMethods(*scenario, request.methods)) return *error;
  for (const MethodSpec& m : scenario->methods) {
    if (scenario->compute.measured && !m.settings->trains_between_syncs()) {
      return ConfigError{request.scenario, "$.compute.measured",
                         "a declared or derived step time with a " + m.kind +
                             " method (its step runs at the "
                             "sync, so it cannot be timed per replica)"};
    }
  }
  if (request.timing_only) {
    if (auto error = CheckTimingOnly(*scenario)) return *error;
  }
  if (request.ranks && request.ranks->world_size() > 1) {
    if (auto error = CheckRunsOverRanks(*scenario, request, request.ranks->world_size()))
      return *error;
    try {
      trainers::CheckSameOnEveryRank(*request.ranks,
                                     ScenarioToJson(*scenario).dump() + "\n" + request.methods,
                                     "scenario (file, --set or --methods)");
    } catch (const trainers::TrainerError& e) {
      return ConfigError{request.scenario, "",
                         std::string("the same run on every rank: ") + e.what()};
    }
  }
  auto topology = BuildScenarioTopology(*scenario);
  if (!topology) return topology.error();
  Bytes payload;
  if (request.timing_only) {
    payload = PayloadBytes(*scenario, TimingOnlyDataPlane(scenario->replicas));
  } else {
    // Building the data plane once checks the model and data settings (and reads the data).
    auto data = MakeTorchDataPlane(*scenario, request.ranks);
    if (!data) return data.error();
    payload = PayloadBytes(*scenario, **data);
  }
  if (auto error = CheckVirtualTimeFits(*scenario, *topology, payload)) return *error;
  return PreparedRun{std::move(*scenario), std::move(*topology), request.timing_only, request};
}

std::optional<ConfigError> CheckRunOverRanks(const RunRequest& request, int world_size) {
  auto scenario = LoadScenarioFile(request.scenario, request.sets);
  if (!scenario) return scenario.error();
  if (auto error = FilterMethods(*scenario, request.methods)) return *error;
  return CheckRunsOverRanks(*scenario, request, world_size);
}

int ExecuteRun(const PreparedRun& prepared, const std::string& out, const ProgressFn& progress,
               ScenarioRun* result) {
  const Scenario& s = prepared.scenario;
  // The other ranks only compute: rank 0 checks and writes the folder.
  if (!prepared.request.root()) return RunAndWrite(prepared, out, progress, result, nullptr);
  if (std::filesystem::exists(out))
    return ReportBadInput("--out: " + out + " already exists; choose another folder");
  // Checked before anything runs, so that a run is never lost to an unwritable folder.
  if (auto error = CheckWritableParent(out)) return ReportBadInput(*error);
  TendLeftoverPartialFolders(out);
  if (s.checkpoint_every_rounds == 0) return RunAndWrite(prepared, out, progress, result, nullptr);
  const std::string partial = PartialFolderFor(out, ::getpid());
  std::error_code ec;
  std::filesystem::create_directories(partial, ec);
  if (ec) return ReportBadInput("--out: cannot create " + partial + " (" + ec.message() + ")");
  try {
    CheckpointStore store = CheckpointStore::Create(
        partial + "/" + std::string(results::kCheckpointFolder), RequestJson(prepared, out));
    return RunAndWrite(prepared, out, progress, result, &store);
  } catch (const CheckpointError& e) {
    std::filesystem::remove_all(partial, ec);
    return ReportBadInput(e.what());
  }
}

Result<ResumePlan> PrepareResume(const std::string& dir) {
  namespace fs = std::filesystem;
  const std::string where = "--resume " + dir;
  const auto refuse = [&](const std::string& why) { return ConfigError{where, "", why}; };
  if (!fs::is_directory(dir)) return refuse("a killed run's partial folder; there is no folder");
  if (fs::exists(fs::path(dir) / std::string(results::kSummaryFile))) {
    return refuse("a killed run's partial folder; this is a finished results folder");
  }
  if (auto pid = PartialFolderPid(dir); pid && *pid != ::getpid() && ProcessIsRunning(*pid)) {
    return refuse("a killed run's partial folder; the run that owns it is still going (process " +
                  std::to_string(*pid) + ")");
  }
  std::optional<CheckpointStore> opened;
  try {
    opened = CheckpointStore::Open(dir + "/" + std::string(results::kCheckpointFolder));
  } catch (const CheckpointError& e) {
    return refuse(std::string("a folder with checkpoints: ") + e.what());
  }
  const nlohmann::ordered_json& request = opened->manifest().request;
  RunRequest again;
  std::string out;
  try {
    again.scenario = request.at("scenario").get<std::string>();
    again.sets = request.at("sets").get<std::vector<std::string>>();
    again.methods = request.at("methods").get<std::string>();
    again.timing_only = request.at("timing_only").get<bool>();
    out = request.at("out").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    return refuse(std::string("a checkpoint that says what was run: ") + e.what());
  }
  if (fs::exists(out)) return refuse("no results folder yet, but " + out + " exists");
  auto prepared = PrepareRun(again);
  if (!prepared) return prepared.error();
  // The journal is valid only for the very run that wrote it.
  const nlohmann::json now = ScenarioToJson(prepared->scenario);
  const nlohmann::json then = request.value("resolved_scenario", nlohmann::json());
  if (now != then) {
    const nlohmann::json patch = nlohmann::json::diff(then, now);
    const std::string field =
        patch.empty() ? "" : " (at " + patch[0].value("path", std::string("?")) + ")";
    return refuse("the scenario the run started with; " + again.scenario + " has changed since" +
                  field + ": restore it, or start the run afresh");
  }
  return ResumePlan{dir, std::move(*prepared), out};
}

int ExecuteResume(const ResumePlan& plan, const ProgressFn& progress, ScenarioRun* result) {
  namespace fs = std::filesystem;
  // The folder takes this process's name, as the partial folder of a live run has.
  const std::string partial = PartialFolderFor(plan.out, ::getpid());
  std::error_code ec;
  if (fs::absolute(plan.dir).lexically_normal() != fs::path(partial))
    fs::rename(plan.dir, partial, ec);
  if (ec) {
    return ReportBadInput("--resume " + plan.dir + ": cannot move it to " + partial + ": " +
                          ec.message());
  }
  try {
    CheckpointStore store =
        CheckpointStore::Open(partial + "/" + std::string(results::kCheckpointFolder));
    return RunAndWrite(plan.prepared, plan.out, progress, result, &store);
  } catch (const CheckpointError& e) {
    return ReportBadInput("--resume " + plan.dir + ": " + e.what());
  }
}

std::string UtcNow(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, format, &tm);
  return buffer;
}

}  // namespace locosim::cli
