#include "tests/report/fake_runs.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/cli/run_cli.h"

#include "sim/engine/scenario_runner.h"
#include "sim/engine/timing_only_data_plane.h"
#include "sim/methods/method_registry.h"
#include "sim/record/results_files.h"
#include "sim/scenario/scenario_echo.h"
#include "sim/scenario/scenario_reader.h"
#include "sim/scenario/scenario_topology.h"
#include "tests/sim/fake_data_plane.h"

namespace locosim::testing {

void WriteFakeRun(const std::string& dir, const FakeRunOptions& options) {
  Scenario s;
  s.name = "fake";
  s.seed = options.seed;
  s.replicas = options.replicas;
  s.inner_steps = 20;
  s.total_steps = 200;
  s.eval.every_steps = 20;
  s.target_loss = 2.0;  // FakeDataPlane's loss crosses it after ~140 steps
  s.compute.step_time = Milliseconds(200);
  s.compute.jitter_sigma = 0.2;
  s.compute.straggler_fraction = 0.25;
  s.compute.straggler_slowdown = 2;
  s.network.generator = "star";
  s.network.bandwidth = options.bandwidth;
  s.payload.bytes = Bytes(100'000'000);
  for (const std::string& kind : options.methods) {
    s.methods.push_back(DefaultMethodSpec(kind, s.replicas));
  }
  auto topology = BuildScenarioTopology(s);
  ASSERT_TRUE(topology.ok()) << topology.error().message();
  ScenarioRun run =
      std::get<ScenarioRun>(RunScenario(s, *topology, [&]() -> std::unique_ptr<DataPlane> {
        if (options.timing_only) return std::make_unique<TimingOnlyDataPlane>(s.replicas);
        return std::make_unique<FakeDataPlane>(s.replicas);
      }));
  run.host.started_at_utc = "2025-01-01T00:00:00Z";
  auto error = WriteResultsFolder(run, dir);
  ASSERT_FALSE(error.has_value()) << *error;
}

const std::string& FakeRunDir(const std::string& name, const FakeRunOptions& options) {
  static std::map<std::string, std::string> made;
  auto [it, fresh] = made.try_emplace(name, TempDir() + "/" + name);
  if (fresh) WriteFakeRun(it->second, options);
  return it->second;
}

}  // namespace locosim::testing
