// Checkpoints and resume with the fake data plane: a run interrupted part-way and resumed from
// its checkpoint store gives the results files of a run never interrupted, having replayed
// (not recomputed) what came before the checkpoint. The same with `kill -9` of the real binary
// is in tests/cli/run_cli_test.cc.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <sstream>

#include "sim/engine/checkpoint_store.h"
#include "sim/engine/journaled_data_plane.h"
#include "sim/engine/scenario_runner.h"
#include "sim/methods/method_registry.h"
#include "sim/record/results_files.h"
#include "sim/scenario/scenario_topology.h"
#include "tests/sim/fake_data_plane.h"

namespace locosim {
namespace {

namespace fs = std::filesystem;
using testing::FakeDataPlane;

Scenario CheckpointedScenario() {
  Scenario s;
  s.name = "checkpoint_test";
  s.seed = 11;
  s.replicas = 6;
  s.inner_steps = 5;
  s.total_steps = 60;  // 12 rounds
  s.eval.every_steps = 10;
  s.compute.step_time = Milliseconds(100);
  s.compute.jitter_sigma = 0.2;
  s.network.generator = "star";
  s.network.bandwidth = Gbps(1);
  s.network.latency = Milliseconds(5);
  s.payload.bytes = Bytes(10'000'000);
  s.checkpoint_every_rounds = 3;
  for (const char* kind : {"diloco", "noloco", "ddp"}) {
    s.methods.push_back(DefaultMethodSpec(kind, s.replicas));
  }
  return s;
}

std::string FreshDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("locosim_checkpoint_test_" + name);
  fs::remove_all(dir);
  return dir.string();
}

// Every results file but summary.json's host section, in one string.
std::string ResultsOutsideHost(const ScenarioRun& run) {
  nlohmann::ordered_json summary = SummaryJson(run);
  summary.erase("host");
  return summary.dump(1) + CurvesCsv(run) + SyncsCsv(run) + TraceJson(run);
}

struct Interrupted {};

// Runs `s` (into `store` if given), counting what the fakes were asked to compute.
struct Counted {
  ScenarioRunResult result;
  testing::FakeTally tally;
};
Counted RunCounted(const Scenario& s, CheckpointStore* store, const RunHooks& hooks = {}) {
  auto topology = BuildScenarioTopology(s);
  EXPECT_TRUE(topology.ok());
  Counted counted{RunFailure{}, {}};
  counted.result = RunScenario(
      s, *topology,
      [&] {
        auto fake = std::make_unique<FakeDataPlane>(s.replicas);
        fake->CountInto(&counted.tally);
        return fake;
      },
      hooks, store);
  return counted;
}

TEST(Checkpoint, ANewStoreDoesNotChangeTheResults) {
  const Scenario s = CheckpointedScenario();
  const ScenarioRun plain = std::get<ScenarioRun>(RunCounted(s, nullptr).result);
  CheckpointStore store = CheckpointStore::Create(FreshDir("new"), nlohmann::ordered_json{});
  const ScenarioRun checkpointed = std::get<ScenarioRun>(RunCounted(s, &store).result);
  EXPECT_EQ(ResultsOutsideHost(plain), ResultsOutsideHost(checkpointed));
  // Every method ended: the manifest says so, and no state is left behind.
  EXPECT_EQ(store.manifest().method, 3);
  for (const auto& entry : fs::directory_iterator(store.dir())) {
    EXPECT_EQ(entry.path().filename().string().rfind("state-", 0), std::string::npos)
        << entry.path();
  }
}

TEST(Checkpoint, AnInterruptedRunResumedFromItsStoreGivesTheSameResults) {
  const Scenario s = CheckpointedScenario();
  const ScenarioRun whole = std::get<ScenarioRun>(RunCounted(s, nullptr).result);
  const std::string dir = FreshDir("interrupted");
  {
    CheckpointStore store = CheckpointStore::Create(dir, nlohmann::ordered_json{});
    // Interrupted two thirds of the way through NoLoCo, the second method.
    RunHooks stop;
    stop.progress = [](const std::string& method, double fraction) {
      if (method == "noloco" && fraction > 0.66) throw Interrupted{};
    };
    EXPECT_THROW(RunCounted(s, &store, stop), Interrupted);
    EXPECT_EQ(store.manifest().method, 1);
    EXPECT_GE(store.manifest().checkpoint, 2);
  }
  CheckpointStore resumed = CheckpointStore::Open(dir);
  const Counted again = RunCounted(s, &resumed);
  EXPECT_EQ(ResultsOutsideHost(whole), ResultsOutsideHost(std::get<ScenarioRun>(again.result)));
  // DiLoCo was replayed whole and NoLoCo up to its checkpoint: of the 2 x 6 replicas x 12
  // rounds of inner phases, fewer than one method's were computed, and NoLoCo's fake loaded
  // the state (DDP trains at the sync, with no inner phases).
  EXPECT_EQ(again.tally.loads, 1);
  EXPECT_GT(again.tally.inner_calls, 0);
  EXPECT_LT(again.tally.inner_calls, 6 * 12);
}

TEST(Checkpoint, AStoreOfAnotherScenarioIsRefusedNotMisread) {
  Scenario s = CheckpointedScenario();
  const std::string dir = FreshDir("other");
  {
    CheckpointStore store = CheckpointStore::Create(dir, nlohmann::ordered_json{});
    RunHooks stop;
    stop.progress = [](const std::string& method, double fraction) {
      if (method == "noloco" && fraction > 0.5) throw Interrupted{};
    };
    EXPECT_THROW(RunCounted(s, &store, stop), Interrupted);
  }
  s.seed = 12;  // other step times, so another order of calls
  s.compute.jitter_sigma = 0.5;
  CheckpointStore resumed = CheckpointStore::Open(dir);
  try {
    RunCounted(s, &resumed);
    FAIL() << "a journal of another scenario was accepted";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("another scenario, seed or build"), std::string::npos)
        << e.what();
  }
}

TEST(Checkpoint, OpeningAFolderWithoutAManifestIsAClearError) {
  const std::string dir = FreshDir("empty");
  fs::create_directories(dir);
  try {
    CheckpointStore::Open(dir);
    FAIL();
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("checkpoint.json"), std::string::npos) << e.what();
  }
}

TEST(JournaledDataPlane, ReplaysEveryAnswerBitForBitNaNIncluded) {
  FakeDataPlane live(2);
  std::ostringstream journal;
  JournaledDataPlane recording(live, nullptr, 0, journal);
  const int both[] = {0, 1};
  recording.BeginInnerSteps(0, 5);
  recording.BeginInnerSteps(1, 5);
  const auto phases = recording.FinishInnerSteps(both);
  const auto ddp = recording.ApplyOuterUpdate(both, DdpUpdate{});
  const auto none = recording.ApplyOuterUpdate(both, LocalSgdUpdate{});
  recording.Snapshot(7, 0);
  const EvalMetrics eval = recording.EvaluateSnapshot(7);
  EXPECT_EQ(recording.calls(), 7);

  FakeDataPlane unused(2);
  std::istringstream replay(journal.str());
  std::ostringstream more;
  JournaledDataPlane replaying(unused, &replay, 7, more, /*then_live=*/false);
  replaying.BeginInnerSteps(0, 5);
  replaying.BeginInnerSteps(1, 5);
  const auto phases2 = replaying.FinishInnerSteps(both);
  ASSERT_EQ(phases2.size(), phases.size());
  for (std::size_t k = 0; k < phases.size(); ++k) {
    EXPECT_EQ(phases2[k].replica, phases[k].replica);
    EXPECT_EQ(phases2[k].loss, phases[k].loss);
  }
  EXPECT_EQ(replaying.ApplyOuterUpdate(both, DdpUpdate{}), ddp);
  EXPECT_EQ(replaying.ApplyOuterUpdate(both, LocalSgdUpdate{}), none);
  replaying.Snapshot(7, 0);
  const EvalMetrics eval2 = replaying.EvaluateSnapshot(7);
  EXPECT_EQ(eval2.loss, eval.loss);
  EXPECT_EQ(eval2.perplexity, eval.perplexity);
  EXPECT_EQ(eval2.accuracy, eval.accuracy);
  EXPECT_EQ(unused.inner_calls, 0);  // nothing was computed
  EXPECT_TRUE(more.str().empty());   // nor written again
  // The journal was the whole run: one call more is refused.
  EXPECT_THROW(replaying.BeginInnerSteps(0, 5), CheckpointError);
}

}  // namespace
}  // namespace locosim
