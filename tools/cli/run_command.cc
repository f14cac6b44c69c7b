// locosim validate SCENARIO / locosim run SCENARIO: the product's main job.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "sim/config/scenario_json.h"
#include "sim/engine/scenario_runner.h"
#include "sim/net/network_stalled.h"
#include "sim/record/results_files.h"
#include "tools/cli/build_info.h"
#include "tools/cli/command.h"
#include "tools/cli/comparison_table.h"
#include "tools/glue/torch_data_plane.h"

namespace locosim::cli {
namespace {

struct Options {
  std::string scenario;
  std::string out;
  std::vector<std::string> sets;
  std::string methods;
};

struct Prepared {
  Scenario scenario;
  Topology topology;
};

// Everything that can be checked before training starts; nullopt after reporting.
std::optional<Prepared> Prepare(const Options& o, int& status) {
  auto scenario = LoadScenarioFile(o.scenario, o.sets);
  if (!scenario) {
    status = ReportBadInput(scenario.error());
    return std::nullopt;
  }
  if (!o.methods.empty()) {
    std::vector<MethodSpec> kept;
    std::stringstream names(o.methods);
    std::string name;
    std::set<std::string> wanted;
    while (std::getline(names, name, ',')) wanted.insert(name);
    for (const std::string& w : wanted) {
      const bool known = std::any_of(scenario->methods.begin(), scenario->methods.end(),
                                     [&](const MethodSpec& m) { return m.name == w; });
      if (!known) {
        std::string listed;
        for (const MethodSpec& m : scenario->methods) listed += (listed.empty() ? "" : ", ") + m.name;
        status = ReportBadInput("--methods: expected names from the scenario (" + listed + "), found \"" + w + "\"");
        return std::nullopt;
      }
    }
    for (const MethodSpec& m : scenario->methods) {
      if (wanted.count(m.name)) kept.push_back(m);
    }
    scenario->methods = std::move(kept);
  }
  for (std::size_t i = 0; i < scenario->methods.size(); ++i) {
    if (scenario->compute.measured && scenario->methods[i].kind == "ddp") {
      status = ReportBadInput(ConfigError{o.scenario, "$.compute.measured",
                                          "a declared or derived step time with a ddp method (its step runs at the sync, so it cannot be timed per replica)"});
      return std::nullopt;
    }
  }
  auto topology = BuildScenarioTopology(*scenario);
  if (!topology) {
    status = ReportBadInput(topology.error());
    return std::nullopt;
  }
  // Building the data plane once checks the model and data settings (and reads the data).
  auto data = MakeTorchDataPlane(*scenario);
  if (!data) {
    status = ReportBadInput(data.error());
    return std::nullopt;
  }
  return Prepared{std::move(*scenario), std::move(*topology)};
}

std::string UtcNow(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, format, &tm);
  return buffer;
}

// A progress bar on a terminal, a line per quarter otherwise.
class Progress {
 public:
  explicit Progress(int methods) : tty_(::isatty(2) == 1), methods_(methods) {}
  void operator()(const std::string& method, double fraction) {
    if (fraction == 0.0) {
      ++index_;
      last_quarter_ = -1;
    } else if (fraction >= 1.0 && last_quarter_ == 4) {
      return;  // already reported done
    }
    if (tty_) {
      const int width = 30;
      const int filled = static_cast<int>(fraction * width);
      std::fprintf(stderr, "\r[%d/%d] %-12s [%s%s] %3d%%", index_, methods_, method.c_str(),
                   std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
                   static_cast<int>(fraction * 100));
      if (fraction >= 1.0 && last_quarter_ != 4) std::fprintf(stderr, "\n");
      if (fraction >= 1.0) last_quarter_ = 4;
      return;
    }
    const int quarter = static_cast<int>(fraction * 4);
    if (fraction == 0.0 || quarter > last_quarter_) {
      std::fprintf(stderr, "[%d/%d] %s: %d%%\n", index_, methods_, method.c_str(), quarter * 25);
      last_quarter_ = quarter;
    }
  }

 private:
  bool tty_;
  int methods_;
  int index_ = 0;
  int last_quarter_ = -1;
};

int Validate(const Options& o) {
  int status = 0;
  auto prepared = Prepare(o, status);
  if (!prepared) return status;
  const Scenario& s = prepared->scenario;
  std::string methods;
  for (const MethodSpec& m : s.methods) methods += (methods.empty() ? "" : ", ") + m.name;
  std::printf("%s: valid. %d replicas, %d steps each, methods: %s; %s backend on %s (%d nodes, %zu links)\n",
              o.scenario.c_str(), s.replicas, s.total_steps, methods.c_str(), s.network.backend.c_str(),
              prepared->topology.name.c_str(), prepared->topology.node_count(), prepared->topology.links.size());
  return 0;
}

int Run(const Options& o) {
  int status = 0;
  auto prepared = Prepare(o, status);
  if (!prepared) return status;
  const Scenario& s = prepared->scenario;
  const std::string out = o.out.empty() ? "runs/" + s.name + "-" + UtcNow("%Y%m%d-%H%M%S") : o.out;
  if (std::filesystem::exists(out)) return ReportBadInput("--out: " + out + " already exists; choose another folder");

  const auto wall_start = std::chrono::steady_clock::now();
  const std::string started = UtcNow("%Y-%m-%dT%H:%M:%SZ");
  Progress progress(static_cast<int>(s.methods.size()));
  ScenarioRun run;
  try {
    run = RunScenario(s, prepared->topology, [&] { return std::move(*MakeTorchDataPlane(s)); },
                      RunHooks{[&](const std::string& m, double f) { progress(m, f); }});
  } catch (const NetworkStalled& e) {
    // The packet-level backend's watchdog: say which transfers were stuck, write nothing.
    std::cerr << "\nlocosim: " << e.what() << "\nno results were written\n";
    return 1;
  }
  run.host.started_at_utc = started;
  run.host.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  run.host.threads = s.threads > 0 ? s.threads : static_cast<int>(std::thread::hardware_concurrency());
  run.host.versions = {{"locosim", kLocosimVersion}, {"git_revision", kGitRevision}, {"libtorch", TorchVersion()}};
  if (auto error = WriteResultsFolder(run, out)) return ReportBadInput(*error);

  std::printf("%s", ComparisonTable(run).c_str());
  std::printf("\nresults: %s (summary.json, curves.csv, syncs.csv, trace.json, scenario.json)\n", out.c_str());
  return 0;
}

}  // namespace

void AddRunCommands(CLI::App& app, int& status) {
  auto v = std::make_shared<Options>();
  auto* validate = app.add_subcommand("validate", "check a scenario file (and its topology and data) without running it");
  validate->add_option("scenario", v->scenario, "scenario file (JSON)")->required();
  validate->add_option("--set", v->sets, "override a field: path=value, e.g. network.backend=analytic (repeatable)");
  validate->add_option("--methods", v->methods, "only these methods, comma-separated");
  validate->callback([v, &status] { status = Validate(*v); });

  auto r = std::make_shared<Options>();
  auto* run = app.add_subcommand("run", "run every method of a scenario and write a results folder");
  run->add_option("scenario", r->scenario, "scenario file (JSON)")->required();
  run->add_option("--out", r->out, "results folder (default: runs/<name>-<UTC time>); must not exist");
  run->add_option("--set", r->sets, "override a field: path=value, e.g. replicas=32 (repeatable)");
  run->add_option("--methods", r->methods, "only these methods, comma-separated");
  run->callback([r, &status] { status = Run(*r); });
}

}  // namespace locosim::cli
