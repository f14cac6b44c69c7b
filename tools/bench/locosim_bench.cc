// locosim_bench: the regression benchmarks behind `locosim regress`.
//
//   Cost*        a scenario's method run timing-only (sim/engine/timing_only_data_plane.h):
//                counters are simulated sync latency, idle fraction, bytes and virtual time,
//                deterministic for a given build; real_time is the wall time to simulate it.
//   Collective*  one collective on a shipped topology: manual time and completion_s are
//                the simulated completion time; the other counters its spread and link load.
//   Speed*       how fast the flow backend simulates (wall time, transfers_per_s).
//
// Names containing "Fast" form the CI subset (--benchmark_filter=Fast, under a minute).
// Benchmarks are registered from the tables below at start-up; scenario files are read from
// the source tree (LOCOSIM_SOURCE_DIR), or from $LOCOSIM_SOURCE_DIR when set.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include "sim/backends/network_factory.h"
#include "sim/collectives/collective_by_name.h"
#include "sim/config/topology_json.h"
#include "sim/engine/scenario_runner.h"
#include "sim/engine/timing_only_data_plane.h"
#include "sim/record/results_files.h"
#include "sim/record/statistics.h"
#include "sim/scenario/scenario_echo.h"
#include "sim/scenario/scenario_reader.h"
#include "sim/scenario/scenario_topology.h"
#include "sim/topogen/generators.h"

namespace locosim {
namespace {

std::string SourceDir() {
  const char* env = std::getenv("LOCOSIM_SOURCE_DIR");
  return env ? env : LOCOSIM_SOURCE_DIR;
}

struct ScenarioCase {
  std::string label;  // in the benchmark's name
  std::string file;   // relative to the source tree
  std::vector<std::string> sets;
  bool fast;
};

const std::vector<ScenarioCase> kScenarios = {
    {"star16_stragglers", "scenarios/bench_star16.json", {}, true},
    {"regions3_stragglers", "scenarios/bench_regions3.json", {}, true},
    {"internet64_stragglers", "scenarios/bench_internet256.json", {"replicas=64"}, true},
    {"internet256_stragglers", "scenarios/bench_internet256.json", {}, true},
    {"internet256_stragglers_20rounds",
     "scenarios/bench_internet256.json",
     {"outer_rounds=20"},
     false},
};

struct CollectiveCase {
  std::string topology;  // file stem under topologies/
  int replicas;          // the first N replicas of the topology
  Bytes bytes;
  bool fast;
};

const std::vector<CollectiveCase> kCollectives = {
    {"star16", 16, Bytes(250'000'000), true},
    {"regions3", 12, Bytes(250'000'000), true},
    {"internet256", 64, Bytes(250'000'000), true},
    {"internet256", 256, Bytes(250'000'000), true},
    {"internet256", 256, Bytes(1'000'000'000), false},
};

void ScenarioCost(benchmark::State& state, const Scenario& scenario, const Topology& topology) {
  ScenarioRun run;
  for (auto _ : state) {
    run = std::get<ScenarioRun>(RunScenario(scenario, topology, [&] {
      return std::make_unique<TimingOnlyDataPlane>(scenario.replicas);
    }));
  }
  const MethodRun& m = run.methods.front();
  const MethodSummary s = SummarizeMethod(m, std::nullopt);
  state.counters["sync_latency_p50_s"] = s.sync_latency_p50_s;
  state.counters["sync_latency_p99_s"] = s.sync_latency_p99_s;
  state.counters["idle_fraction_mean"] = s.idle_fraction_mean;
  state.counters["idle_fraction_p99"] = s.idle_fraction_p99;
  state.counters["bytes_sent"] = s.bytes_sent_total;
  state.counters["virtual_time_s"] = s.virtual_time_s;
  state.counters["syncs_per_s"] =
      benchmark::Counter(static_cast<double>(m.syncs.size()), benchmark::Counter::kIsRate);
}

void CollectiveCost(benchmark::State& state, const Topology& topology, int replicas,
                    const std::string& algorithm, Bytes bytes) {
  const std::vector<NodeIndex> nodes(topology.replicas.begin(),
                                     topology.replicas.begin() + replicas);
  CollectiveOutcome outcome;
  for (auto _ : state) {
    auto sim = MakeSimulation("flow", topology);
    outcome = RunCollective(*sim, nodes, CollectiveSpec{algorithm, bytes, 1, 0, 2});
    state.SetIterationTime(outcome.completion.seconds());
  }
  std::vector<double> done;
  for (SimTime t : outcome.rank_done) done.push_back(t.seconds());
  const Distribution d = Summarize(done);
  double total = 0, busiest = 0;
  for (double b : outcome.channel_bytes) {
    total += b;
    busiest = std::max(busiest, b);
  }
  state.counters["completion_s"] = outcome.completion.seconds();
  state.counters["rank_done_p50_s"] = d.p50;
  state.counters["rank_done_p99_s"] = d.p99;
  state.counters["link_bytes_total"] = total;
  state.counters["link_bytes_max"] = busiest;
}

// Wall time of the flow backend on a ring all-reduce of 1 GB over a star of N replicas.
void SpeedFlowRing(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Topology star = MakeStar({n, Gbps(1), Milliseconds(10)});
  double completion_s = 0;
  for (auto _ : state) {
    auto sim = MakeSimulation("flow", star);
    completion_s =
        RunCollective(*sim, star.replicas, CollectiveSpec{"ring", Bytes(1'000'000'000), 1, 0, 2})
            .completion.seconds();
  }
  state.counters["completion_s"] = completion_s;
  state.counters["transfers_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * 2.0 * (n - 1) * n, benchmark::Counter::kIsRate);
}

// Exits 2 naming the file: a broken benchmark table is bad input, not a slow benchmark.
template <typename T>
T OrExit(Result<T> result) {
  if (!result) {
    std::cerr << "locosim_bench: " << result.error().message() << "\n";
    std::exit(2);
  }
  return std::move(*result);
}

void RegisterAll() {
  const std::string source = SourceDir();
  for (const ScenarioCase& c : kScenarios) {
    const Scenario base = OrExit(LoadScenarioFile(source + "/" + c.file, c.sets));
    if (auto error = CheckTimingOnly(base)) OrExit(Result<int>(*error));
    for (const MethodSpec& method : base.methods) {
      Scenario one = base;
      one.methods = {method};
      const Topology topology = OrExit(BuildScenarioTopology(one));
      const std::string name =
          std::string(c.fast ? "CostFast/" : "Cost/") + c.label + "/" + method.name;
      benchmark::RegisterBenchmark(
          name.c_str(), [one, topology](benchmark::State& s) { ScenarioCost(s, one, topology); })
          ->Iterations(1)
          ->Unit(benchmark::kMillisecond);
    }
  }
  for (const CollectiveCase& c : kCollectives) {
    const Topology topology =
        OrExit(LoadTopologyFile(source + "/topologies/" + c.topology + ".json"));
    for (const std::string& algorithm : CollectiveAlgorithms()) {
      const std::string name = std::string(c.fast ? "CollectiveFast/" : "Collective/") +
                               c.topology + "_" + std::to_string(c.replicas) + "/" + algorithm +
                               "/" + std::to_string(c.bytes.count() / 1'000'000) + "MB";
      benchmark::RegisterBenchmark(
          name.c_str(),
          [=](benchmark::State& s) { CollectiveCost(s, topology, c.replicas, algorithm, c.bytes); })
          ->UseManualTime()
          ->Iterations(1)
          ->Unit(benchmark::kSecond);
    }
  }
  benchmark::RegisterBenchmark("SpeedFast/flow_ring_allreduce_1GB", SpeedFlowRing)
      ->Arg(64)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("Speed/flow_ring_allreduce_1GB", SpeedFlowRing)
      ->Arg(256)
      ->Arg(1024)
      ->Unit(benchmark::kMillisecond);
}

}  // namespace
}  // namespace locosim

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  locosim::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
