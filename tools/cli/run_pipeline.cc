#include "tools/cli/run_pipeline.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "sim/engine/scenario_runner.h"
#include "sim/engine/time_budget.h"
#include "sim/engine/timing_only_data_plane.h"
#include "sim/record/results_files.h"
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

std::unique_ptr<DataPlane> MakeDataPlane(const Scenario& s, bool timing_only) {
  if (timing_only) return std::make_unique<TimingOnlyDataPlane>(s.replicas);
  return std::move(*MakeTorchDataPlane(s));  // checked by PrepareRun
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
  auto topology = BuildScenarioTopology(*scenario);
  if (!topology) return topology.error();
  Bytes payload;
  if (request.timing_only) {
    payload = PayloadBytes(*scenario, TimingOnlyDataPlane(scenario->replicas));
  } else {
    // Building the data plane once checks the model and data settings (and reads the data).
    auto data = MakeTorchDataPlane(*scenario);
    if (!data) return data.error();
    payload = PayloadBytes(*scenario, **data);
  }
  if (auto error = CheckVirtualTimeFits(*scenario, *topology, payload)) return *error;
  return PreparedRun{std::move(*scenario), std::move(*topology), request.timing_only};
}

int ExecuteRun(const PreparedRun& prepared, const std::string& out, const ProgressFn& progress,
               ScenarioRun* result) {
  const Scenario& s = prepared.scenario;
  if (std::filesystem::exists(out))
    return ReportBadInput("--out: " + out + " already exists; choose another folder");
  // Checked before anything runs, so that a run is never lost to an unwritable folder.
  if (auto error = CheckWritableParent(out)) return ReportBadInput(*error);
  const auto wall_start = std::chrono::steady_clock::now();
  const std::string started = UtcNow("%Y-%m-%dT%H:%M:%SZ");
  ScenarioRunResult outcome = RunScenario(
      s, prepared.topology, [&] { return MakeDataPlane(s, prepared.timing_only); },
      RunHooks{progress});
  if (auto* failure = std::get_if<RunFailure>(&outcome)) {
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
  run.host.threads =
      s.threads > 0 ? s.threads : static_cast<int>(std::thread::hardware_concurrency());
  run.host.versions = {
      {"locosim", kLocosimVersion}, {"git_revision", kGitRevision}, {"libtorch", TorchVersion()}};
  if (auto error = WriteResultsFolder(run, out)) return ReportBadInput(*error);
  if (result) *result = std::move(run);
  return 0;
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
