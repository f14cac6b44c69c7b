// What `locosim run` costs in wall time per replica-step: the quickstart's model and data,
// real training through the glue, R replicas on internet256, DiLoCo for 40 steps each, on T
// threads (replicas trained in parallel; the results are the same for every T).
// Counter ms_per_replica_step = wall time / (R × steps), data loading and evaluation included.
#include <benchmark/benchmark.h>

#include "sim/engine/scenario_runner.h"
#include "sim/scenario/scenario_echo.h"
#include "sim/scenario/scenario_reader.h"
#include "sim/scenario/scenario_topology.h"
#include "tools/glue/torch_data_plane.h"

namespace locosim {
namespace {

void BM_RunScenarioWallPerReplicaStep(benchmark::State& state) {
  const int replicas = static_cast<int>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  auto scenario = LoadScenarioFile(
      LOCOSIM_SOURCE_DIR "/scenarios/quickstart.json",
      {"replicas=" + std::to_string(replicas), "outer_rounds=2",
       "threads=" + std::to_string(threads), "network.topology=../topologies/internet256.json",
       "methods=[{\"kind\": \"diloco\"}]"});
  if (!scenario) {
    state.SkipWithError(scenario.error().message().c_str());
    return;
  }
  auto topology = BuildScenarioTopology(*scenario);
  for (auto _ : state) {
    RunScenario(*scenario, *topology, [&] { return std::move(*MakeTorchDataPlane(*scenario)); });
  }
  const double replica_steps = static_cast<double>(replicas) * scenario->total_steps;
  state.counters["ms_per_replica_step"] =
      benchmark::Counter(replica_steps * 1e-3, benchmark::Counter::kIsIterationInvariantRate |
                                                   benchmark::Counter::kInvert);
}

BENCHMARK(BM_RunScenarioWallPerReplicaStep)
    ->ArgNames({"replicas", "threads"})
    ->Args({16, 1})
    ->Args({16, 2})
    ->Args({64, 1})
    ->Args({64, 2})
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(2);

}  // namespace
}  // namespace locosim

BENCHMARK_MAIN();
