// Latency jitter (sim/net/jittered_network.h): a seeded extra one-way delay per transfer, on
// the analytic and flow backends, refused by ns3.
#include "sim/net/jittered_network.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sim/backends/network_factory.h"
#include "sim/config/topology_json.h"
#include "sim/engine/scenario_runner.h"
#include "sim/methods/method_registry.h"
#include "sim/scenario/scenario_reader.h"
#include "sim/scenario/scenario_topology.h"
#include "tests/sim/fake_data_plane.h"

namespace locosim {
namespace {

Topology Pair(LatencyJitter jitter) {
  Topology t;
  t.nodes = {{"a", ""}, {"b", ""}};
  t.links = {Link{"ab", 0, 1, Gbps(1), Milliseconds(10), 0, {}, jitter}};
  t.replicas = {0, 1};
  return t;
}

LatencyJitter Lognormal(SimTime mean, double sigma) {
  return {LatencyJitter::Distribution::kLognormal, mean, sigma};
}

// The extra delay of `n` zero-byte transfers, one after another, on `backend`.
std::vector<double> ExtraDelays(const std::string& backend, const Topology& t, std::uint64_t seed,
                                int n) {
  NetworkOptions options = NetworkOptions::IdealFluid();
  options.jitter_seed = seed;
  auto sim = MakeSimulation(backend, t, options);
  EXPECT_TRUE(sim.ok());
  std::vector<double> extra;
  for (int i = 0; i < n; ++i) {
    const SimTime start = sim->loop->now();
    sim->network->transfer(0, 1, Bytes(0), [&] {
      extra.push_back((sim->loop->now() - start - Milliseconds(10)).seconds());
    });
    sim->loop->run();
  }
  return extra;
}

TEST(LatencyJitter, LognormalDrawsHaveTheDeclaredMeanAndSpread) {
  const Topology t = Pair(Lognormal(Milliseconds(5), 0.5));
  for (const char* backend : {"analytic", "flow"}) {
    const std::vector<double> extra = ExtraDelays(backend, t, 7, 4000);
    double sum = 0, log_sum = 0, log_sq = 0;
    for (double e : extra) {
      ASSERT_GT(e, 0) << backend;
      sum += e;
      log_sum += std::log(e);
      log_sq += std::log(e) * std::log(e);
    }
    const double n = static_cast<double>(extra.size());
    const double log_mean = log_sum / n;
    EXPECT_NEAR(sum / n, 0.005, 0.005 * 0.05) << backend;  // 5 ms ± 5% (sampling: ~0.8%)
    EXPECT_NEAR(std::sqrt(log_sq / n - log_mean * log_mean), 0.5, 0.03) << backend;
  }
}

TEST(LatencyJitter, SameSeedSameDrawsOtherSeedOthers) {
  const Topology t = Pair(Lognormal(Milliseconds(5), 0.5));
  EXPECT_EQ(ExtraDelays("flow", t, 3, 50), ExtraDelays("flow", t, 3, 50));
  EXPECT_NE(ExtraDelays("flow", t, 3, 50), ExtraDelays("flow", t, 4, 50));
  EXPECT_EQ(ExtraDelays("flow", t, 3, 50), ExtraDelays("analytic", t, 3, 50));
}

TEST(LatencyJitter, ExponentialAndUniformHaveTheirMeans) {
  for (auto d :
       {LatencyJitter::Distribution::kExponential, LatencyJitter::Distribution::kUniform}) {
    const std::vector<double> extra = ExtraDelays("flow", Pair({d, Milliseconds(4), 0}), 1, 4000);
    double sum = 0, max = 0;
    for (double e : extra) {
      sum += e;
      max = std::max(max, e);
    }
    EXPECT_NEAR(sum / extra.size(), 0.004, 0.004 * 0.06);
    if (d == LatencyJitter::Distribution::kUniform) {
      EXPECT_LE(max, 0.008);
    }
  }
}

TEST(LatencyJitter, ReadFromATopologyFileAndWrittenBack) {
  const nlohmann::json doc = nlohmann::json::parse(R"({"name": "p",
    "nodes": [{"id": "a"}, {"id": "b"}],
    "links": [{"endpoints": ["a", "b"], "bandwidth": "1Gbps", "latency": "10ms",
               "jitter": {"distribution": "lognormal", "mean": "5ms", "sigma": 0.5}}],
    "replicas": ["a", "b"]})");
  auto t = TopologyFromJson(doc, "p.json");
  ASSERT_TRUE(t.ok()) << t.error().message();
  EXPECT_TRUE(t->links[0].jitter.active());
  EXPECT_EQ(t->links[0].jitter.mean, Milliseconds(5));
  const auto back = TopologyToJson(*t);
  EXPECT_EQ(back["links"][0]["jitter"]["distribution"], "lognormal");
}

TEST(LatencyJitter, BadJitterIsAJsonPathError) {
  nlohmann::json doc = nlohmann::json::parse(R"({"name": "p",
    "nodes": [{"id": "a"}, {"id": "b"}],
    "links": [{"endpoints": ["a", "b"], "bandwidth": "1Gbps", "latency": "10ms",
               "jitter": {"distribution": "pareto", "mean": "5ms"}}],
    "replicas": ["a", "b"]})");
  auto t = TopologyFromJson(doc, "p.json");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().path, "$.links[0].jitter.distribution");
  doc["links"][0]["jitter"] = {{"distribution", "exponential"}, {"mean", "5ms"}, {"sigma", 1}};
  t = TopologyFromJson(doc, "p.json");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().path, "$.links[0].jitter.sigma");
}

TEST(LatencyJitter, ScenarioOverridesGiveEverySyncItsOwnDelay) {
  // The NoLoCo paper's study of random message times: with lognormal jitter on every link,
  // sync latencies spread; without, on a uniform star without stragglers, they are equal.
  Scenario s;
  s.name = "jitter";
  s.replicas = 8;
  s.inner_steps = 10;
  s.total_steps = 50;
  s.compute.step_time = Milliseconds(100);
  s.network.generator = "star";
  s.network.options = NetworkOptions::IdealFluid();
  s.payload.bytes = Bytes(1'000'000);
  s.methods = {DefaultMethodSpec("noloco", s.replicas)};
  auto latencies = [&](const Scenario& sc) {
    auto topology = BuildScenarioTopology(sc);
    EXPECT_TRUE(topology.ok());
    const ScenarioRun run = std::get<ScenarioRun>(RunScenario(
        sc, *topology, [&] { return std::make_unique<testing::FakeDataPlane>(sc.replicas); }));
    std::vector<double> out;
    for (const SyncEvent& e : run.methods[0].syncs) out.push_back((e.done - e.started).seconds());
    return out;
  };
  const std::vector<double> plain = latencies(s);
  for (double l : plain) EXPECT_NEAR(l, plain[0], 1e-9);
  s.network.override_jitter = Lognormal(Milliseconds(20), 1.0);
  const std::vector<double> jittered = latencies(s);
  double lo = 1e9, hi = 0;
  for (double l : jittered) {
    EXPECT_GT(l, plain[0]);
    lo = std::min(lo, l);
    hi = std::max(hi, l);
  }
  EXPECT_GT(hi - lo, 0.02);
  EXPECT_EQ(latencies(s), jittered) << "deterministic for one seed";
}

}  // namespace
}  // namespace locosim
