// Records kept in bounded memory (sim/record/spill_log.h), and a run long enough to spill.
#include "sim/record/spill_log.h"

#include <gtest/gtest.h>

#include <vector>

#include "sim/engine/scenario_runner.h"
#include "sim/methods/method_registry.h"
#include "sim/scenario/scenario_topology.h"
#include "tests/sim/fake_data_plane.h"

namespace locosim {
namespace {

struct Record {
  int index;
  double value;
};

std::vector<int> Indices(const SpillLog<Record>& log) {
  std::vector<int> out;
  for (const Record& r : log) out.push_back(r.index);
  return out;
}

TEST(SpillLog, KeepsAtMostItsLimitInMemoryAndReadsBackInOrder) {
  SpillLog<Record> log(4);
  std::vector<int> expected;
  for (int i = 0; i < 10'000; ++i) {
    log.push_back({i, i * 0.5});
    expected.push_back(i);
    ASSERT_LT(log.in_memory(), 4u);
  }
  EXPECT_EQ(log.size(), 10'000u);
  EXPECT_GE(log.spilled(), 9'996u);
  EXPECT_EQ(Indices(log), expected);
  double sum = 0;
  for (const Record& r : log) sum += r.value;
  EXPECT_DOUBLE_EQ(sum, 0.5 * 9'999 * 10'000 / 2);
}

TEST(SpillLog, RecordsStillBeingFilledInStayInMemoryUntilReleased) {
  SpillLog<Record> log(2);
  log.SpillOnlyWhenAsked();
  for (int i = 0; i < 5; ++i) log.push_back({i, 0});
  EXPECT_EQ(log.spilled(), 0u) << "no spill unless asked";
  log.SpillBefore(3);
  EXPECT_EQ(log.spilled(), 3u);
  log.Recent(3).value = 7;
  EXPECT_THROW(log.Recent(2), std::logic_error);
  double at3 = 0;
  for (const Record& r : log) {
    if (r.index == 3) at3 = r.value;
  }
  EXPECT_EQ(at3, 7);
  EXPECT_EQ(Indices(log), (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(SpillLog, ARunWithMoreEventsThanTheLimitKeepsEveryRecordInOrder) {
  // 4 replicas x 20,000 rounds: 80,000 sync events, beyond the 65,536 kept in memory.
  Scenario s;
  s.name = "long";
  s.replicas = 4;
  s.inner_steps = 1;
  s.total_steps = 20'000;
  s.eval.every_steps = 20'000;
  s.compute.step_time = Milliseconds(10);
  s.network.generator = "star";
  s.payload.bytes = Bytes(1'000);
  s.methods = {DefaultMethodSpec("noloco", s.replicas)};
  auto topology = BuildScenarioTopology(s);
  ASSERT_TRUE(topology.ok());
  const ScenarioRun run = std::get<ScenarioRun>(RunScenario(
      s, *topology, [&] { return std::make_unique<testing::FakeDataPlane>(s.replicas); }));
  const MethodRun& m = run.methods[0];
  ASSERT_EQ(m.syncs.size(), 80'000u);
  EXPECT_GT(m.syncs.spilled(), 0u);
  EXPECT_GT(m.spans.spilled(), 0u);
  EXPECT_GT(m.train_losses.spilled(), 0u);
  std::vector<int> rounds_seen(4, 0);
  SimTime last_done;
  for (const SyncEvent& e : m.syncs) {
    ASSERT_EQ(e.round, rounds_seen[e.replica]++) << "each replica's syncs in order";
    ASSERT_GE(e.done, last_done) << "in order of completion";
    last_done = e.done;
  }
  std::size_t losses = 0;
  for (const TrainLoss& t : m.train_losses) {
    ASSERT_NE(t.loss, 0.0) << "every deferred loss was filled in before it was spilled";
    ++losses;
  }
  EXPECT_EQ(losses, 80'000u);
}

}  // namespace
}  // namespace locosim
