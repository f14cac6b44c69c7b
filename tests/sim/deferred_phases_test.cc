// The engine defers inner phases (sim/dataplane/data_plane.h): it begins a replica's phase
// when the replica starts computing and finishes it only when an outer update or a snapshot
// needs it. A data plane that records every call checks that nothing ever reads a replica
// whose phase is still pending, and that phases really are left pending so that a data
// plane could compute them together.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "sim/engine/scenario_runner.h"
#include "sim/methods/method_registry.h"
#include "sim/scenario/scenario_topology.h"
#include "tests/sim/fake_data_plane.h"

namespace locosim {
namespace {

// What a recording data plane saw, kept by the test (the run owns the data plane itself).
struct Record {
  std::vector<std::string> calls;
  std::set<int> pending;
  int max_pending = 0;  // most phases pending at once
  int violations = 0;   // reads or writes of a replica with its phase pending
};

// Forwards to the fake and records every call, failing the test on any that touches a
// replica whose phase is pending.
class RecordingDataPlane final : public DataPlane {
 public:
  RecordingDataPlane(int replicas, Record& record) : fake_(replicas), record_(record) {}

  int replicas() const override { return fake_.replicas(); }
  std::int64_t parameter_count() const override { return fake_.parameter_count(); }
  Bytes model_bytes() const override { return fake_.model_bytes(); }
  std::string description() const override { return "recording fake"; }

  void BeginInnerSteps(int replica, int steps) override {
    Check(replica, "begin");
    record_.pending.insert(replica);
    record_.max_pending = std::max(record_.max_pending, static_cast<int>(record_.pending.size()));
    record_.calls.push_back("begin " + std::to_string(replica));
    fake_.BeginInnerSteps(replica, steps);
  }
  std::vector<PhaseResult> FinishInnerSteps(std::span<const int> replicas) override {
    for (int r : replicas) {
      EXPECT_TRUE(record_.pending.count(r)) << "finish of replica " << r << " with nothing pending";
      record_.pending.erase(r);
      record_.calls.push_back("finish " + std::to_string(r));
    }
    return fake_.FinishInnerSteps(replicas);
  }
  std::optional<double> ApplyOuterUpdate(std::span<const int> group,
                                         const OuterUpdate& update) override {
    for (int m : group) Check(m, "outer update");
    record_.calls.push_back("update");
    return fake_.ApplyOuterUpdate(group, update);
  }
  void CopyReplica(int to, int from) override {
    Check(to, "copy");
    Check(from, "copy");
    record_.calls.push_back("copy " + std::to_string(to) + " " + std::to_string(from));
    fake_.CopyReplica(to, from);
  }
  void ResetToSlowWeights(int replica) override {
    Check(replica, "reset");
    fake_.ResetToSlowWeights(replica);
  }
  void Snapshot(int id, int replica) override {
    Check(replica, "snapshot");
    record_.calls.push_back("snapshot " + std::to_string(replica));
    fake_.Snapshot(id, replica);
  }
  EvalMetrics EvaluateSnapshot(int id) override { return fake_.EvaluateSnapshot(id); }

 private:
  void Check(int replica, const char* what) {
    if (!record_.pending.count(replica)) return;
    ++record_.violations;
    ADD_FAILURE() << what << " touches replica " << replica << " while its phase is pending";
  }

  testing::FakeDataPlane fake_;
  Record& record_;
};

Scenario Base(const std::string& kind) {
  Scenario s;
  s.name = "deferred";
  s.seed = 3;
  s.replicas = 8;
  s.inner_steps = 10;
  s.total_steps = 60;
  s.eval.every_steps = 20;
  s.compute.step_time = Milliseconds(100);
  s.compute.jitter_sigma = 0.3;
  s.compute.straggler_fraction = 0.25;
  s.compute.straggler_slowdown = 2;
  s.network.generator = "star";
  s.payload.bytes = Bytes(10'000'000);
  s.methods = {DefaultMethodSpec(kind, s.replicas)};
  return s;
}

Record RunRecorded(const Scenario& s) {
  Record record;
  auto topology = BuildScenarioTopology(s);
  EXPECT_TRUE(topology.ok());
  auto result = RunScenario(
      s, *topology, [&] { return std::make_unique<RecordingDataPlane>(s.replicas, record); });
  EXPECT_TRUE(std::holds_alternative<ScenarioRun>(result));
  return record;
}

class DeferredPhases : public ::testing::TestWithParam<const char*> {};

TEST_P(DeferredPhases, NoOuterUpdateOrSnapshotReadsAPendingPhase) {
  const std::string kind = GetParam();
  const Scenario s = Base(kind);
  const Record record = RunRecorded(s);
  EXPECT_EQ(record.violations, 0);
  EXPECT_TRUE(record.pending.empty()) << "a phase was never finished";
  const auto count = [&](const char* prefix) {
    return std::count_if(record.calls.begin(), record.calls.end(),
                         [&](const std::string& c) { return c.rfind(prefix, 0) == 0; });
  };
  EXPECT_EQ(count("begin"), count("finish"));
  EXPECT_EQ(count("begin"), kind == "ddp" ? 0 : s.replicas * (s.total_steps / s.inner_steps));
  // Phases stay pending while other replicas compute: behind a global barrier every
  // replica's phase is pending at once, so a data plane could step them all together.
  if (kind == "diloco" || kind == "local_sgd") {
    EXPECT_EQ(record.max_pending, s.replicas);
  }
  if (kind == "noloco") {
    EXPECT_GE(record.max_pending, 2);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryMethod, DeferredPhases,
                         ::testing::Values("diloco", "noloco", "ddp", "local_sgd"));

TEST(DeferredPhasesOrder, ABarrierFinishesTheWholeGroupJustBeforeItsUpdate) {
  const Record record = RunRecorded(Base("diloco"));
  const std::vector<std::string>& calls = record.calls;
  // Round 1: the initial snapshot, 8 begins, then 8 finishes and the update, nothing between.
  ASSERT_GE(calls.size(), 18u);
  EXPECT_EQ(calls[0], "snapshot 0");
  for (int r = 0; r < 8; ++r) EXPECT_EQ(calls[1 + r], "begin " + std::to_string(r));
  for (int r = 0; r < 8; ++r) EXPECT_EQ(calls[9 + r], "finish " + std::to_string(r));
  EXPECT_EQ(calls[17], "update");
}

}  // namespace
}  // namespace locosim
