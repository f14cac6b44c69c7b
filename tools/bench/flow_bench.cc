// Speed of the flow backend: wall time to simulate whole collectives on a star of N
// replicas. The simulated completion time is reported as a counter, so a change that makes
// the simulator faster by making it wrong shows up here too.
#include <benchmark/benchmark.h>

#include "sim/backends/network_factory.h"
#include "sim/collectives/collective_by_name.h"
#include "sim/topogen/generators.h"

namespace locosim {
namespace {

// TCP modelled (the default) or the ideal fluid, to show what the TCP model costs.
void RunOnStar(benchmark::State& state, const std::string& algorithm,
               const NetworkOptions& options = {}) {
  const int n = static_cast<int>(state.range(0));
  const Topology star = MakeStar({n, Gbps(1), Milliseconds(10)});
  const CollectiveSpec spec{algorithm, Bytes(1'000'000'000), 1, 0, 2};
  double completion_s = 0;
  std::uint64_t transfers = 0;
  for (auto _ : state) {
    auto sim = MakeSimulation("flow", star, options);
    const CollectiveOutcome outcome = RunCollective(*sim, star.replicas, spec);
    completion_s = outcome.completion.seconds();
    transfers += algorithm == "ring" ? 2ULL * (n - 1) * n : 2ULL * (n / 2);
  }
  state.counters["simulated_s"] = completion_s;
  state.counters["transfers_per_s"] =
      benchmark::Counter(static_cast<double>(transfers), benchmark::Counter::kIsRate);
}

void BM_FlowRingAllReduce1GB(benchmark::State& state) { RunOnStar(state, "ring"); }
void BM_FlowGossipRound1GB(benchmark::State& state) { RunOnStar(state, "gossip"); }
void BM_FlowRingAllReduce1GBIdealFluid(benchmark::State& state) {
  RunOnStar(state, "ring", NetworkOptions::IdealFluid());
}

BENCHMARK(BM_FlowRingAllReduce1GB)->Arg(64)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FlowGossipRound1GB)->Arg(64)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FlowRingAllReduce1GBIdealFluid)->Arg(256)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace locosim

BENCHMARK_MAIN();
