// Replica failures with a fake data plane: a quorum goes on without the failed replica, "wait"
// waits for it, NoLoCo regroups, every run ends, and armed but idle machinery changes nothing.
#include <gtest/gtest.h>

#include "sim/engine/scenario_runner.h"
#include "sim/methods/method_registry.h"
#include "sim/record/results_files.h"
#include "sim/scenario/scenario_topology.h"
#include "tests/sim/fake_data_plane.h"

namespace locosim {
namespace {

// 8 replicas, H = 10 steps of 100 ms, 10 rounds: a round is about 1 s of compute.
Scenario FaultScenario() {
  Scenario s;
  s.name = "faults_test";
  s.seed = 11;
  s.replicas = 8;
  s.inner_steps = 10;
  s.total_steps = 100;
  s.eval.every_steps = 20;
  s.compute.step_time = Milliseconds(100);
  s.compute.jitter_sigma = 0.1;
  s.network.generator = "star";
  s.network.bandwidth = Gbps(1);
  s.network.latency = Milliseconds(5);
  s.payload.bytes = Bytes(10'000'000);
  for (const char* kind : {"diloco", "noloco", "ddp", "local_sgd"}) {
    s.methods.push_back(DefaultMethodSpec(kind, s.replicas));
  }
  return s;
}

ScenarioRun RunOnFake(const Scenario& s) {
  auto topology = BuildScenarioTopology(s);
  EXPECT_TRUE(topology.ok());
  auto result = RunScenario(s, *topology,
                            [&] { return std::make_unique<testing::FakeDataPlane>(s.replicas); });
  EXPECT_TRUE(std::holds_alternative<ScenarioRun>(result));
  return std::get<ScenarioRun>(std::move(result));
}

nlohmann::ordered_json MethodsJson(const ScenarioRun& run) { return SummaryJson(run)["methods"]; }

void ExpectTimeAddsUp(const MethodRun& m) {
  for (const ReplicaTotals& r : m.replicas) {
    EXPECT_EQ(r.compute + r.communicate + r.idle + r.down, r.end) << m.name;
    EXPECT_LE(r.lost_compute, r.compute) << m.name;
  }
}

TEST(Faults, ArmedButNeverFiringChangesNothing) {
  const Scenario plain = FaultScenario();
  Scenario armed = plain;
  armed.faults.scheduled = {{3, Seconds(1e6), Seconds(5)}};  // long after the run
  EXPECT_EQ(MethodsJson(RunOnFake(plain)).dump(), MethodsJson(RunOnFake(armed)).dump());
}

TEST(Faults, AQuorumGoesOnWithoutTheFailedReplicaWhichRejoinsFromAPeer) {
  Scenario s = FaultScenario();
  s.faults.scheduled = {{2, Milliseconds(2500), Seconds(3)}};  // mid-phase of round 2
  const ScenarioRun run = RunOnFake(s);
  const ScenarioRun healthy = RunOnFake(FaultScenario());
  for (std::size_t i = 0; i < run.methods.size(); ++i) {
    const MethodRun& m = run.methods[i];
    SCOPED_TRACE(m.name);
    ExpectTimeAddsUp(m);
    ASSERT_EQ(m.faults.size(), 1u);
    const FaultEvent& f = m.faults[0];
    EXPECT_EQ(f.replica, 2);
    EXPECT_FALSE(f.ended);
    EXPECT_GE(f.back, f.failed + Seconds(3));  // down 3 s, then the model's transfer
    EXPECT_GE(m.replicas[2].down, Seconds(3));
    // The others never wait for the failed replica's 3 s: their idle grows by under 0.5 s
    // (the rejoined replica's first phase starts after the model's transfer).
    for (int r = 0; r < 8; ++r) {
      if (r != 2) {
        EXPECT_LT(m.replicas[r].idle, healthy.methods[i].replicas[r].idle + Milliseconds(500))
            << "replica " << r;
      }
    }
    EXPECT_EQ(m.evals.back().step, s.total_steps);
  }
  // DiLoCo's failed replica lost part of a phase; DDP (which computes at its syncs) too.
  EXPECT_GT(run.methods[0].replicas[2].lost_compute, SimTime());
  const auto faults = SummaryJson(run)["methods"]["diloco"]["faults"];
  EXPECT_EQ(faults["failures"], 1);
  EXPECT_LT(faults["useful_compute_fraction"].get<double>(), 1.0);
}

TEST(Faults, WaitingForTheFailedReplicaCostsEveryoneItsDownTime) {
  Scenario s = FaultScenario();
  s.methods = {DefaultMethodSpec("diloco", s.replicas)};
  s.faults.scheduled = {{2, Milliseconds(2500), Seconds(3)}};
  s.faults.all_reduce = "wait";
  const ScenarioRun waited = RunOnFake(s);
  s.faults.all_reduce = "quorum";
  const ScenarioRun quorum = RunOnFake(s);
  const MethodRun &w = waited.methods[0], &q = quorum.methods[0];
  ExpectTimeAddsUp(w);
  for (int r = 0; r < 8; ++r) {
    if (r == 2) continue;
    EXPECT_GT(w.replicas[r].idle, Seconds(3)) << r;  // the barrier waits for the restart
    EXPECT_LT(q.replicas[r].idle, w.replicas[r].idle) << r;
  }
  EXPECT_GT(w.replicas[0].end, q.replicas[0].end);
  // Every replica of "wait" completes every round: the failed one redoes its lost phase.
  EXPECT_EQ(w.syncs.size(), 8u * 10);
  EXPECT_LT(q.syncs.size(), 8u * 10);  // the quorum's replica 2 skipped rounds
}

TEST(Faults, AFailureAtASyncPointTakesEffectWhenTheSyncEnds) {
  Scenario s = FaultScenario();
  s.methods = {DefaultMethodSpec("diloco", s.replicas)};
  s.compute.jitter_sigma = 0;
  // Every replica reaches its first sync at exactly 1 s; the all-reduce then takes a while.
  s.faults.scheduled = {{5, Milliseconds(1001), Seconds(2)}};
  const ScenarioRun run = RunOnFake(s);
  const MethodRun& m = run.methods[0];
  ASSERT_EQ(m.faults.size(), 1u);
  EXPECT_GT(m.faults[0].failed, Milliseconds(1001));  // after the first sync ended
  EXPECT_EQ(m.replicas[5].lost_compute, SimTime());   // no phase was running
  ExpectTimeAddsUp(m);
}

TEST(Faults, RandomFailuresAreSeededAndNoReplicaWaitsForever) {
  Scenario s = FaultScenario();
  s.faults.mean_time_between_failures = Seconds(4);
  s.faults.random_down_for = Seconds(1);
  const ScenarioRun a = RunOnFake(s), b = RunOnFake(s);
  EXPECT_EQ(MethodsJson(a).dump(), MethodsJson(b).dump());
  for (const MethodRun& m : a.methods) {
    SCOPED_TRACE(m.name);
    EXPECT_GE(m.faults.size(), 3u);  // about 8 replicas x 10 s / 4 s, minus overlaps
    ExpectTimeAddsUp(m);
    for (const ReplicaTotals& r : m.replicas) EXPECT_GT(r.end, SimTime());
    EXPECT_EQ(m.evals.back().step, s.total_steps);
  }
  s.faults.all_reduce = "wait";
  for (const MethodRun& m : RunOnFake(s).methods) ExpectTimeAddsUp(m);
}

TEST(Faults, WhenEveryoneIsDownTheFirstBackRestartsAndTheOthersRejoinFromIt) {
  Scenario s = FaultScenario();
  s.compute.jitter_sigma = 0;
  for (int r = 0; r < 8; ++r) {
    s.faults.scheduled.push_back({r, Milliseconds(2500), Milliseconds(1000 + 100 * r)});
  }
  const ScenarioRun run = RunOnFake(s);
  for (const MethodRun& m : run.methods) {
    SCOPED_TRACE(m.name);
    ASSERT_EQ(m.faults.size(), 8u);
    for (const FaultEvent& f : m.faults) EXPECT_FALSE(f.ended) << f.replica;
    ExpectTimeAddsUp(m);
    EXPECT_EQ(m.evals.back().step, s.total_steps);
  }
}

TEST(Faults, AReplicaDownWhenTheOthersFinishStopsThere) {
  Scenario s = FaultScenario();
  s.compute.jitter_sigma = 0;
  s.faults.scheduled = {{4, Milliseconds(9500), Seconds(100)}};  // in the last round
  const ScenarioRun run = RunOnFake(s);
  for (const MethodRun& m : run.methods) {
    SCOPED_TRACE(m.name);
    ASSERT_EQ(m.faults.size(), 1u);
    EXPECT_TRUE(m.faults[0].ended);
    // It stopped when the last live replica finished, not after its 100 s.
    EXPECT_LE(m.replicas[4].end, m.replicas[0].end);
    ExpectTimeAddsUp(m);
  }
}

}  // namespace
}  // namespace locosim
