// locosim crosscheck: runs the canonical cases (scenarios/crosscheck.json) on the flow and ns3
// backends and prints how far apart they are. The fluid model alone (no TCP corrections) is
// shown too, so the table says how much of the agreement the corrections buy.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/backends/network_factory.h"
#include "sim/collectives/collective_by_name.h"
#include "sim/config/crosscheck_cases.h"
#include "sim/record/statistics.h"
#include "tools/cli/command.h"
#include "tools/cli/network_options.h"
#include "tools/cli/real_crosscheck.h"
#include "tools/cli/real_lossy_crosscheck.h"

namespace locosim::cli {
namespace {

struct Options {
  std::string cases = "scenarios/crosscheck.json";
  bool json = false;
  bool check = false;
  double median_tolerance = 0.05;
  int seeds = 20;  // ns-3 runs per lossy case; fewer leave its mean too uncertain to compare
  double case_tolerance = 0.15;
  bool real = false;   // tools/cli/real_crosscheck.h
  bool lossy = false;  // with real: tools/cli/real_lossy_crosscheck.h
  int real_runs = 3;
  NetworkOptionText network;
};

struct Row {
  std::string name;
  bool lossy = false;
  double fluid_s = 0;
  double flow_s = 0;
  std::optional<double> ns3_s;  // the mean over seeds; empty if ns3 stalled
  double ns3_ci95_s = 0;        // half-width of the mean's 95% interval (0 for one run)
  double ns3_min_s = 0, ns3_max_s = 0;
  int ns3_runs = 0;
  std::string ns3_failure;
  double ns3_wall_s = 0;
  double error() const { return ns3_s ? (flow_s - *ns3_s) / *ns3_s : NAN; }
  double fluid_error() const { return ns3_s ? (fluid_s - *ns3_s) / *ns3_s : NAN; }
  // Whether flow lies inside the ns3 mean's 95% interval (lossy cases only).
  bool within_ns3_interval() const {
    return ns3_s && ns3_runs > 1 && std::abs(flow_s - *ns3_s) <= ns3_ci95_s;
  }
};

// The case's completion time in seconds, or why there is none (the backend refused the
// options, or its watchdog found the network stalled).
std::variant<double, std::string> Completion(const std::string& backend, const CrosscheckCase& c,
                                             const NetworkOptions& options) {
  NetworkOptions own = options;
  if (c.streams > 0) own.tcp.streams = c.streams;
  auto sim = MakeSimulation(backend, c.topology, own);
  if (!sim) return sim.error().message();
  const std::vector<NodeIndex> nodes(c.topology.replicas.begin(),
                                     c.topology.replicas.begin() + c.replicas);
  const CollectiveSpec spec{c.algorithm, c.bytes, c.seed};
  CollectiveOutcome outcome = RunCollective(*sim, nodes, spec);
  if (c.after_idle && !outcome.stall) {
    // The second run starts the idle time after the first ended, on every backend alike
    // (ns-3's loop may have drained a little past the end).
    sim->loop->at(std::max(sim->loop->now(), outcome.completion + *c.after_idle), [] {});
    sim->loop->run();
    outcome = RunCollective(*sim, nodes, spec);
  }
  if (outcome.stall) return outcome.stall->message;
  return outcome.completion.seconds();
}

// Flow and analytic neither refuse options nor stall.
double FluidCompletion(const CrosscheckCase& c, const NetworkOptions& options) {
  return std::get<double>(Completion("flow", c, options));
}

Row RunCase(const CrosscheckCase& c, const NetworkOptions& options, int seeds) {
  Row row;
  row.name = c.name;
  row.lossy = c.lossy;
  NetworkOptions fluid = options;
  fluid.tcp.startup = fluid.tcp.slow_start_after_idle = fluid.tcp.congestion_avoidance = false;
  row.fluid_s = FluidCompletion(c, fluid);
  // Random loss makes one run one draw, on flow (its losses are drawn per connection) as on
  // ns-3 (a loss early in slow start costs seconds): a lossy case is the mean over `seeds`
  // runs of each; a loss-free one is deterministic.
  const int runs = c.lossy ? seeds : 1;
  for (int i = 0; i < runs; ++i) {
    NetworkOptions seeded = options;
    seeded.loss_seed = options.loss_seed + static_cast<std::uint64_t>(i);
    row.flow_s += FluidCompletion(c, seeded) / runs;
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<double> draws;
  for (int i = 0; i < runs; ++i) {
    NetworkOptions seeded = options;
    seeded.ns3.seed = options.ns3.seed + static_cast<std::uint64_t>(i);
    auto ns3 = Completion("ns3", c, seeded);
    auto* seconds = std::get_if<double>(&ns3);
    if (!seconds) {
      row.ns3_failure = std::get<std::string>(ns3);
      break;
    }
    draws.push_back(*seconds);
    row.ns3_min_s = i == 0 ? *seconds : std::min(row.ns3_min_s, *seconds);
    row.ns3_max_s = i == 0 ? *seconds : std::max(row.ns3_max_s, *seconds);
    ++row.ns3_runs;
  }
  if (row.ns3_failure.empty()) {
    const MeanInterval mean = MeanWith95Interval(draws);
    row.ns3_s = mean.mean;
    row.ns3_ci95_s = runs > 1 ? mean.half_width : 0;
  }
  row.ns3_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return row;
}

int Run(const Options& o) {
  std::optional<ConfigError> option_error;
  const NetworkOptions options = ResolveNetworkOptions(o.network, option_error);
  if (option_error) return ReportBadInput(*option_error);
  if (o.lossy && !o.real) return ReportBadInput("--lossy: expected with --real");
  if (o.real && o.lossy) {
    return RunRealLossyCrosscheck(options, o.json, o.check, o.case_tolerance, o.seeds, o.real_runs);
  }
  if (o.real) return RunRealCrosscheck(options, o.json, o.check, o.case_tolerance);
  if (std::find(BackendNames().begin(), BackendNames().end(), "ns3") == BackendNames().end()) {
    return ReportBadInput("crosscheck needs the ns3 backend, which this build does not have");
  }
  auto cases = LoadCrosscheckCases(o.cases);
  if (!cases) return ReportBadInput(cases.error());

  if (!o.json) {
    std::printf("%-40s %9s %9s %8s %8s %19s %9s %8s %8s\n", "case", "flow s", "ns3 s", "±95% s",
                "error %", "ns3 range s (runs)", "fluid s", "fluid %", "ns3 wall");
  }
  std::vector<Row> rows;
  for (const CrosscheckCase& c : *cases) {
    rows.push_back(RunCase(c, options, o.seeds));
    const Row& r = rows.back();
    if (o.json) continue;
    if (r.ns3_s) {
      char range[40];
      std::snprintf(range, sizeof range, "%.3f-%.3f (%d)", r.ns3_min_s, r.ns3_max_s, r.ns3_runs);
      char interval[16] = "-";
      if (r.ns3_runs > 1) std::snprintf(interval, sizeof interval, "%.3f", r.ns3_ci95_s);
      std::printf("%-40s %9.4f %9.4f %8s %+8.1f %19s %9.4f %+8.1f %7.1fs\n", r.name.c_str(),
                  r.flow_s, *r.ns3_s, interval, 100 * r.error(), range, r.fluid_s,
                  100 * r.fluid_error(), r.ns3_wall_s);
    } else {
      std::printf("%-40s %9.4f %9s %8s %8s %19s %9.4f %8s %7.1fs\n", r.name.c_str(), r.flow_s,
                  "stalled", "-", "-", "-", r.fluid_s, "-", r.ns3_wall_s);
    }
    std::fflush(stdout);
  }

  std::vector<double> all;
  for (const Row& r : rows) {
    if (r.ns3_s) all.push_back(std::abs(r.error()));
  }
  const double median = Median(all);
  const double worst = all.empty() ? NAN : *std::max_element(all.begin(), all.end());
  const bool stalled = std::any_of(rows.begin(), rows.end(), [](const Row& r) { return !r.ns3_s; });
  const bool within = !stalled && median <= o.median_tolerance && worst <= o.case_tolerance;

  if (o.json) {
    nlohmann::json doc = {{"cases", nlohmann::json::array()}};
    for (const Row& r : rows) {
      nlohmann::json row = {{"case", r.name},
                            {"lossy", r.lossy},
                            {"flow_s", r.flow_s},
                            {"fluid_s", r.fluid_s},
                            {"ns3_wall_s", r.ns3_wall_s}};
      if (r.ns3_s) {
        row["ns3_s"] = *r.ns3_s;
        row["ns3_runs"] = r.ns3_runs;
        row["ns3_min_s"] = r.ns3_min_s;
        row["ns3_max_s"] = r.ns3_max_s;
        if (r.ns3_runs > 1) {
          row["ns3_ci95_half_width_s"] = r.ns3_ci95_s;
          row["flow_within_ns3_ci95"] = r.within_ns3_interval();
        }
        row["error"] = r.error();
      } else {
        row["ns3_failure"] = r.ns3_failure;
      }
      doc["cases"].push_back(row);
    }
    doc["median_abs_error"] = median;
    doc["max_abs_error"] = worst;
    doc["within_tolerance"] = within;
    std::cout << doc.dump(2) << "\n";
  } else {
    for (const Row& r : rows) {
      if (!r.ns3_s) std::printf("%s: %s\n", r.name.c_str(), r.ns3_failure.c_str());
    }
    std::printf(
        "median |error| %.1f%% (tolerance %.0f%%); worst |error| %.1f%% (tolerance %.0f%%): %s\n",
        100 * median, 100 * o.median_tolerance, 100 * worst, 100 * o.case_tolerance,
        within ? "within tolerance" : "OUTSIDE tolerance");
    // A lossy case's ns3 figure is a mean of random draws: say how many flow figures lie
    // inside its 95% interval, so that a miss is told apart from ns3's own sampling error.
    int lossy = 0, inside = 0;
    for (const Row& r : rows) {
      if (!r.ns3_s || r.ns3_runs < 2) continue;
      ++lossy;
      inside += r.within_ns3_interval() ? 1 : 0;
    }
    if (lossy > 0) {
      std::printf(
          "lossy cases (flow and ns3 means of %d seeds): flow inside the ns3 mean's 95%% interval "
          "in "
          "%d of %d\n",
          o.seeds, inside, lossy);
    }
  }
  return o.check && !within ? 1 : 0;
}

}  // namespace

void AddCrosscheckCommand(CLI::App& app, int& status) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "crosscheck", "run the canonical cases on the flow and ns3 backends and compare them");
  cmd->add_option("--cases", o->cases, "cases file (JSON)")->capture_default_str();
  cmd->add_flag("--real", o->real,
                "instead: small stars on real Linux TCP (cubic, bbr) through the emulated WAN, "
                "beside flow and ns3 (root; docs/real_backend.md); --check then holds flow's "
                "median |error| against real cubic to --case-tolerance");
  cmd->add_flag("--lossy", o->lossy,
                "with --real: lossy two-replica paths instead (0.01% and 0.1% per link, 100 ms "
                "RTT, 1 and 4 streams): flow and ns3 over --seeds, real cubic over --real-runs");
  cmd->add_option("--real-runs", o->real_runs, "with --real --lossy: real runs per case")
      ->capture_default_str()
      ->check(CLI::Range(1, 20));
  cmd->add_flag("--json", o->json, "print one JSON object instead of the table");
  cmd->add_flag("--check", o->check,
                "exit with status 1 when flow is outside the tolerances (default: always 0)");
  cmd->add_option("--seeds", o->seeds,
                  "flow and ns3 runs (random-loss seeds) averaged per lossy case")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--median-tolerance", o->median_tolerance, "tolerance on the median |error|")
      ->capture_default_str();
  cmd->add_option("--case-tolerance", o->case_tolerance, "tolerance on every case's |error|")
      ->capture_default_str();
  AddNetworkOptions(*cmd, o->network);
  cmd->callback([o, &status] { status = Run(*o); });
}

}  // namespace locosim::cli
