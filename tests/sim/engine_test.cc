// The engine's timing with a fake data plane: idle, communication and compute accounting,
// barriers, determinism. Real training is exercised end to end in tests/engine/.
#include <gtest/gtest.h>

#include "sim/backends/network_factory.h"
#include "sim/collectives/collective_by_name.h"
#include "sim/engine/scenario_runner.h"
#include "sim/engine/time_budget.h"
#include "sim/methods/method_registry.h"
#include "sim/record/results_files.h"
#include "sim/record/statistics.h"
#include "sim/scenario/scenario_echo.h"
#include "sim/scenario/scenario_reader.h"
#include "sim/scenario/scenario_topology.h"
#include "tests/sim/fake_data_plane.h"

namespace locosim {
namespace {

using testing::FakeDataPlane;

Scenario BaseScenario() {
  Scenario s;
  s.name = "engine_test";
  s.seed = 5;
  s.replicas = 8;
  s.inner_steps = 10;
  s.total_steps = 100;
  s.eval.every_steps = 20;
  s.compute.step_time = Milliseconds(200);
  s.network.backend = "flow";
  s.network.generator = "star";
  s.network.bandwidth = Gbps(1);
  s.network.latency = Milliseconds(10);
  s.payload.bytes = Bytes(100'000'000);
  // The engine's accounting against closed forms: the ideal fluid (TCP is tested apart).
  s.network.options = NetworkOptions::IdealFluid();
  for (const char* kind : {"diloco", "noloco", "ddp", "local_sgd"}) {
    s.methods.push_back(DefaultMethodSpec(kind, s.replicas));
  }
  return s;
}

ScenarioRun RunWithFake(const Scenario& s) {
  auto topology = BuildScenarioTopology(s);
  EXPECT_TRUE(topology.ok());
  return std::get<ScenarioRun>(
      RunScenario(s, *topology, [&] { return std::make_unique<FakeDataPlane>(s.replicas); }));
}

const MethodRun& Find(const ScenarioRun& run, const std::string& name) {
  for (const MethodRun& m : run.methods) {
    if (m.name == name) return m;
  }
  throw std::runtime_error("no method " + name);
}

TEST(Engine, EveryReplicasTimeSplitsIntoComputeCommunicationAndIdle) {
  Scenario s = BaseScenario();
  s.compute.jitter_sigma = 0.3;
  s.compute.straggler_fraction = 0.25;
  s.compute.straggler_slowdown = 2;
  const ScenarioRun run = RunWithFake(s);
  for (const MethodRun& m : run.methods) {
    for (const ReplicaTotals& r : m.replicas) {
      EXPECT_EQ(r.compute + r.communicate + r.idle, r.end) << m.name;
      EXPECT_GT(r.compute, SimTime()) << m.name;
      EXPECT_GT(r.communicate, SimTime()) << m.name;
    }
    EXPECT_EQ(static_cast<int>(m.syncs.size()), s.replicas * m.rounds) << m.name;
  }
}

TEST(Engine, WithStragglersDilocoIdlesMoreThanNoloco) {
  Scenario s = BaseScenario();
  s.replicas = 16;
  s.compute.straggler_fraction = 0.125;
  s.compute.straggler_slowdown = 3;
  s.compute.jitter_sigma = 0.2;
  const ScenarioRun run = RunWithFake(s);
  const MethodSummary diloco = SummarizeMethod(Find(run, "diloco"), std::nullopt);
  const MethodSummary noloco = SummarizeMethod(Find(run, "noloco"), std::nullopt);
  EXPECT_GT(diloco.idle_fraction_mean, noloco.idle_fraction_mean);
  // The barrier makes every fast replica wait for a 3x straggler: well over half their time.
  EXPECT_GT(diloco.idle_fraction_p50, 0.5);
}

TEST(Engine, APinnedSlowReplicaComputesThatMuchLongerAndTheBarrierWaitsForIt) {
  Scenario s = BaseScenario();
  s.compute.replica_step_time_factor = {{3, 2.0}, {5, 0.5}};
  const ScenarioRun run = RunWithFake(s);
  for (const MethodRun& m : run.methods) {
    const SimTime normal = m.replicas[0].compute;
    EXPECT_EQ(m.replicas[3].compute.nanoseconds(), 2 * normal.nanoseconds()) << m.name;
    EXPECT_EQ(2 * m.replicas[5].compute.nanoseconds(), normal.nanoseconds()) << m.name;
  }
  // DiLoCo's barrier: every other replica idles while replica 3 computes its second half,
  // about half its time (communication aside); replica 3 itself never waits.
  const MethodRun& diloco = Find(run, "diloco");
  EXPECT_EQ(diloco.replicas[3].idle, SimTime());
  const double idle0 = diloco.replicas[0].idle.seconds() / diloco.replicas[0].end.seconds();
  EXPECT_GT(idle0, 0.3);
  // Without the field nobody is slower.
  Scenario plain = BaseScenario();
  const ScenarioRun uniform = RunWithFake(plain);
  EXPECT_EQ(Find(uniform, "diloco").replicas[3].compute,
            Find(uniform, "diloco").replicas[0].compute);
}

TEST(Engine, DdpSyncLatencyOnAUniformStarIsTheRingAllReduceTime) {
  Scenario s = BaseScenario();
  s.methods = {s.methods[2]};  // ddp
  const ScenarioRun run = RunWithFake(s);
  // The same collective, alone: `locosim collective --algorithm ring` on the same star.
  auto topology = BuildScenarioTopology(s);
  auto sim = MakeSimulation("flow", *topology, s.network.options);
  const CollectiveOutcome ring =
      RunCollective(*sim, topology->replicas, {"ring", *s.payload.bytes});
  const MethodRun& ddp = run.methods[0];
  ASSERT_EQ(static_cast<int>(ddp.syncs.size()), s.replicas * s.total_steps);
  for (const SyncEvent& e : ddp.syncs) {
    EXPECT_EQ(e.done - e.arrived, ring.completion);
    EXPECT_EQ(e.started, e.arrived);  // no jitter, no stragglers: nobody waits
  }
  const std::int64_t step_ns = s.compute.step_time->nanoseconds() + ring.completion.nanoseconds();
  EXPECT_EQ(ddp.replicas[0].end, Nanoseconds(step_ns * s.total_steps));
}

TEST(Engine, NolocoExchangesTwoModelsEachWayPerRound) {
  Scenario s = BaseScenario();
  s.methods = {s.methods[1]};  // noloco
  const ScenarioRun run = RunWithFake(s);
  const MethodRun& noloco = run.methods[0];
  // Pairs: each replica sends φ and Δ once per round.
  EXPECT_DOUBLE_EQ(noloco.bytes_sent, 2.0 * 1e8 * s.replicas * noloco.rounds);
  // On a uniform star without jitter a pair swap takes latency + 2M/B.
  for (const SyncEvent& e : noloco.syncs) {
    EXPECT_NEAR((e.done - e.started).seconds(), 0.02 + 8.0 * 2e8 / 1e9, 1e-9);
  }
}

TEST(Engine, EvaluatesBeforeTrainingEveryFewRoundsAndAtTheEnd) {
  Scenario s = BaseScenario();
  const ScenarioRun run = RunWithFake(s);
  for (const MethodRun& m : run.methods) {
    ASSERT_FALSE(m.evals.empty());
    EXPECT_EQ(m.evals.front().step, 0);
    EXPECT_EQ(m.evals.back().step, s.total_steps) << m.name;
    EXPECT_EQ(static_cast<int>(m.evals.size()), 1 + s.total_steps / s.eval.every_steps) << m.name;
    for (std::size_t i = 1; i < m.evals.size(); ++i) {
      EXPECT_LT(m.evals[i].metrics.loss, m.evals[i - 1].metrics.loss) << m.name;
      EXPECT_GT(m.evals[i].time, m.evals[i - 1].time) << m.name;
    }
  }
}

TEST(Engine, TimeToTargetIsInterpolatedBetweenTheEvaluationsThatBracketIt) {
  Scenario s = BaseScenario();
  const ScenarioRun run = RunWithFake(s);
  const MethodRun& diloco = Find(run, "diloco");
  // Evaluations every 20 steps; a target a quarter of the way from step 40's loss to step 60's.
  const EvalPoint *at40 = nullptr, *at60 = nullptr;
  for (const EvalPoint& e : diloco.evals) {
    if (e.step == 40) at40 = &e;
    if (e.step == 60) at60 = &e;
  }
  ASSERT_TRUE(at40 && at60);
  const double l40 = at40->metrics.loss, l60 = at60->metrics.loss;
  const MethodSummary quarter = SummarizeMethod(diloco, l40 - 0.25 * (l40 - l60));
  ASSERT_TRUE(quarter.time_to_target_s);
  const double t40 = at40->time.seconds(), t60 = at60->time.seconds();
  EXPECT_NEAR(*quarter.time_to_target_s, t40 + 0.25 * (t60 - t40), 1e-9);
  EXPECT_EQ(*quarter.time_to_target_bracket_s, std::make_pair(t40, t60));
  // Exactly an evaluation's loss: its time.
  EXPECT_NEAR(*SummarizeMethod(diloco, l60).time_to_target_s, t60, 1e-9);
  // Reached before training: the first evaluation.
  EXPECT_EQ(*SummarizeMethod(diloco, 100.0).time_to_target_s, 0.0);
  EXPECT_FALSE(SummarizeMethod(diloco, 0.5).time_to_target_s);  // below the fake's floor
}

TEST(Engine, SameScenarioGivesByteIdenticalResultsOutsideHost) {
  Scenario s = BaseScenario();
  s.compute.jitter_sigma = 0.4;
  s.compute.straggler_fraction = 0.25;
  s.compute.straggler_slowdown = 2;
  auto a = SummaryJson(RunWithFake(s));
  auto b = SummaryJson(RunWithFake(s));
  a.erase("host");
  b.erase("host");
  EXPECT_EQ(a.dump(), b.dump());
  EXPECT_EQ(CurvesCsv(RunWithFake(s)), CurvesCsv(RunWithFake(s)));
  EXPECT_EQ(TraceJson(RunWithFake(s)), TraceJson(RunWithFake(s)));
}

TEST(Engine, EveryMethodSeesTheSameComputeDrawsPerReplica) {
  Scenario s = BaseScenario();
  s.compute.jitter_sigma = 0.5;
  const ScenarioRun run = RunWithFake(s);
  // Total compute of each replica over the whole budget is the same for every method.
  for (const MethodRun& m : run.methods) {
    for (int r = 0; r < s.replicas; ++r) {
      EXPECT_NEAR(m.replicas[r].compute.seconds(), run.methods[0].replicas[r].compute.seconds(),
                  1e-6)
          << m.name << " replica " << r;
    }
  }
}

TEST(Engine, TheVirtualTimeBoundHoldsForEveryMethod) {
  Scenario s = BaseScenario();
  s.network.options = NetworkOptions{};  // TCP on: the slowest case the bound covers
  s.compute.jitter_sigma = 0.3;
  s.compute.straggler_fraction = 0.25;
  s.compute.straggler_slowdown = 2;
  auto topology = BuildScenarioTopology(s);
  ASSERT_TRUE(topology.ok());
  const double bound = VirtualSecondsBound(s, *topology, *s.payload.bytes);
  for (const MethodRun& m : RunWithFake(s).methods) {
    for (const ReplicaTotals& r : m.replicas) EXPECT_LE(r.end.seconds(), bound) << m.name;
  }
  EXPECT_FALSE(CheckVirtualTimeFits(s, *topology, *s.payload.bytes));
  s.total_steps = 1 << 30;  // 100 ms steps: 3.4 years of compute fits; 1 MB/s links do not
  s.network.override_bandwidth = Mbps(8);
  auto slow = BuildScenarioTopology(s);
  auto error = CheckVirtualTimeFits(s, *slow, *s.payload.bytes);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->path, "$.network");
  // A derived step time beyond SimTime's range (a 7e10-parameter model at 1e-4 TFLOP/s) is
  // caught in doubles instead of wrapping negative.
  Scenario derived = BaseScenario();
  derived.compute.step_time.reset();
  derived.compute.target_parameters = 7e10;
  derived.compute.tokens_per_step = 4e6;
  derived.compute.accelerator_tflops = 1e-4;
  error = CheckVirtualTimeFits(derived, *topology, *derived.payload.bytes);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->path, "$.compute");
}

TEST(Engine, ASyncAfterThirtySecondsOfComputePaysSlowStartAgain) {
  // Timing only, DiLoCo, two rounds of 30 s of compute each on the default (TCP) network:
  // the second sync restarts its windows after idle and costs the first's slow start again
  // (without the handshake); with slow_start_after_idle off it is faster.
  Scenario s = BaseScenario();
  s.methods = {s.methods[0]};  // diloco
  s.inner_steps = 10;
  s.total_steps = 20;
  s.compute.step_time = Seconds(3);
  s.network.options = NetworkOptions{};
  auto second_over_first = [&](bool restart) {
    Scenario sc = s;
    sc.network.options.tcp.slow_start_after_idle = restart;
    const ScenarioRun run = RunWithFake(sc);
    SimTime first, second;
    for (const SyncEvent& e : run.methods[0].syncs) {
      SimTime& slot = e.round == 0 ? first : second;
      slot = std::max(slot, e.done - e.started);
    }
    return std::make_pair(first.seconds(), second.seconds());
  };
  const auto [first, second] = second_over_first(true);
  const auto [first_kept, second_kept] = second_over_first(false);
  EXPECT_EQ(first, first_kept);
  EXPECT_GT(second, 0.9 * first);  // the ramp again, less the handshake (2 RTT on a star)
  EXPECT_LT(second, first);
  EXPECT_LT(second_kept, 0.9 * second);
}

}  // namespace
}  // namespace locosim
