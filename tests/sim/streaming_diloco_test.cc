// Streaming DiLoCo's timing with a fake data plane: with one fragment, no overlap and no
// merge weight it is DiLoCo; with fragments and overlap, each sync carries one fragment and
// replicas compute while it is in flight. The tensors are tested end to end in tests/engine/.
#include <gtest/gtest.h>

#include "sim/engine/scenario_runner.h"
#include "sim/methods/method_registry.h"
#include "sim/methods/streaming_diloco/streaming_diloco.h"
#include "sim/record/results_files.h"
#include "sim/record/statistics.h"
#include "sim/scenario/scenario_reader.h"
#include "sim/scenario/scenario_topology.h"
#include "tests/sim/fake_data_plane.h"

namespace locosim {
namespace {

Scenario StreamingScenario(const std::vector<std::string>& methods) {
  Scenario s;
  s.name = "streaming_test";
  s.seed = 7;
  s.replicas = 6;
  s.inner_steps = 20;
  s.total_steps = 120;
  s.eval.every_steps = 40;
  s.compute.step_time = Milliseconds(100);
  s.compute.jitter_sigma = 0.2;
  s.compute.straggler_fraction = 0.2;
  s.compute.straggler_slowdown = 1.5;
  s.network.generator = "star";
  s.network.bandwidth = Mbps(100);
  s.network.latency = Milliseconds(20);
  s.payload.bytes = Bytes(10'000'000);
  for (const std::string& m : methods) {
    s.methods.push_back(ReadMethodSpec(JsonReader(nlohmann::json::parse(m), "m.json"), s.replicas));
  }
  return s;
}

ScenarioRun RunOnFake(const Scenario& s) {
  auto topology = BuildScenarioTopology(s);
  EXPECT_TRUE(topology.ok());
  return std::get<ScenarioRun>(RunScenario(
      s, *topology, [&] { return std::make_unique<testing::FakeDataPlane>(s.replicas); }));
}

TEST(StreamingDiloco, OneFragmentNoOverlapIsDilocoToTheNanosecond) {
  const ScenarioRun run = RunOnFake(StreamingScenario(
      {R"({"kind": "diloco"})",
       R"({"kind": "streaming_diloco", "fragments": 1, "overlap_steps": 0, "merge_alpha": 0})"}));
  const MethodRun &diloco = run.methods[0], &streaming = run.methods[1];
  EXPECT_EQ(streaming.inner_steps, diloco.inner_steps);
  EXPECT_EQ(streaming.bytes_sent, diloco.bytes_sent);
  ASSERT_EQ(streaming.syncs.size(), diloco.syncs.size());
  std::vector<SyncEvent> expected, got;
  for (const SyncEvent& e : diloco.syncs) expected.push_back(e);
  for (const SyncEvent& e : streaming.syncs) got.push_back(e);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const SyncEvent &a = expected[i], &b = got[i];
    EXPECT_EQ(a.replica, b.replica);
    EXPECT_EQ(a.arrived, b.arrived);
    EXPECT_EQ(a.started, b.started);
    EXPECT_EQ(a.done, b.done);
  }
  for (int r = 0; r < 6; ++r) {
    EXPECT_EQ(streaming.replicas[r].idle, diloco.replicas[r].idle);
    EXPECT_EQ(streaming.replicas[r].end, diloco.replicas[r].end);
  }
}

TEST(StreamingDiloco, FragmentsGoOneAtATimeAndOverlapHidesTheirTransfer) {
  const ScenarioRun run = RunOnFake(StreamingScenario(
      {R"({"kind": "diloco"})",
       R"({"kind": "streaming_diloco", "fragments": 4, "overlap_steps": 5})",
       R"({"kind": "streaming_diloco", "name": "no_overlap", "fragments": 4, "overlap_steps": 0})"}));
  const MethodRun &diloco = run.methods[0], &overlap = run.methods[1], &blocking = run.methods[2];
  // Every fragment sync but those whose merge would fall after the last step: the syncs at
  // steps 5, 10, ..., 115 (overlap) and ..., 120 (none); each carries a quarter of the model.
  const double ring = 2.0 * 5 / 6 * 2.5e6 * 6;  // one fragment's ring all-reduce, all ranks
  EXPECT_DOUBLE_EQ(overlap.bytes_sent, 23 * ring);
  EXPECT_DOUBLE_EQ(blocking.bytes_sent, 24 * ring);
  EXPECT_DOUBLE_EQ(diloco.bytes_sent, 6 * 4 * ring);
  // Everyone finishes; the sync events are the merges, one per fragment sync and replica.
  EXPECT_EQ(static_cast<int>(overlap.syncs.size()), 6 * 23);
  EXPECT_EQ(static_cast<int>(blocking.syncs.size()), 6 * 24);
  for (const MethodRun* m : {&overlap, &blocking}) {
    for (const ReplicaTotals& r : m->replicas) EXPECT_EQ(r.compute + r.communicate + r.idle, r.end);
    for (const ReplicaTotals& r : m->replicas) EXPECT_GT(r.end, SimTime());  // nobody stuck
  }
  // Overlapping the transfer with 5 steps of compute wastes less time than waiting for it.
  const MethodSummary a = SummarizeMethod(diloco, std::nullopt);
  const MethodSummary b = SummarizeMethod(overlap, std::nullopt);
  const MethodSummary c = SummarizeMethod(blocking, std::nullopt);
  EXPECT_LT(b.idle_fraction_mean, c.idle_fraction_mean);
  EXPECT_LT(b.virtual_time_s, a.virtual_time_s);
}

TEST(StreamingDiloco, ThePhaseIsTheGreatestCommonStepOfSyncsAndMerges) {
  StreamingDilocoSettings s;
  s.fragments = 4;
  s.overlap_steps = 2;
  EXPECT_EQ(StreamingPhaseSteps(20, s), 1);  // syncs every 5, merges 2 after
  s.overlap_steps = 5;
  EXPECT_EQ(StreamingPhaseSteps(20, s), 5);
  s.overlap_steps = 0;
  EXPECT_EQ(StreamingPhaseSteps(20, s), 5);
  s.fragments = 2;
  s.overlap_steps = 4;
  EXPECT_EQ(StreamingPhaseSteps(40, s), 4);
}

}  // namespace
}  // namespace locosim
