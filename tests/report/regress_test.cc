// locosim regress: which benchmark values count as worse, by kind and tolerance; and the
// command's exit statuses as CI sees them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "tests/cli/run_cli.h"
#include "tools/regress/compare.h"

namespace locosim::testing {
namespace {

using regress::Compare;
using regress::Finding;
using regress::ParseBenchmarkJson;
using regress::Tolerances;

// A Google Benchmark JSON document with one benchmark row per (name, values) entry.
std::string BenchJson(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string out =
      R"({"context": {"host_name": "test", "num_cpus": 2, "date": "today"}, "benchmarks": [)";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out += std::string(i ? "," : "") + R"({"name": ")" + rows[i].first +
           R"(", "run_type": "iteration", "iterations": 1, "time_unit": "ms", )" + rows[i].second +
           "}";
  }
  return out + "]}";
}

const std::string kBaseRow =
    R"("real_time": 100, "cpu_time": 90, "sync_latency_p99_s": 10.0, "syncs_per_s": 500)";

regress::BenchmarkResults Parse(const std::string& text) {
  auto r = ParseBenchmarkJson(text, "x.json");
  EXPECT_TRUE(r.ok()) << r.error().message();
  return *r;
}

TEST(RegressKinds, TimesAndWallPrefixAreWallRatesByNameEverythingElseSimulated) {
  EXPECT_EQ(regress::KindOf("real_time"), regress::ValueKind::kWallTime);
  EXPECT_EQ(regress::KindOf("cpu_time"), regress::ValueKind::kWallTime);
  EXPECT_EQ(regress::KindOf("wall_setup_s"), regress::ValueKind::kWallTime);
  EXPECT_EQ(regress::KindOf("items_per_second"), regress::ValueKind::kWallRate);
  EXPECT_EQ(regress::KindOf("transfers_per_s"), regress::ValueKind::kWallRate);
  EXPECT_EQ(regress::KindOf("sync_latency_p99_s"), regress::ValueKind::kSimulated);
  EXPECT_EQ(regress::KindOf("bytes_sent"), regress::ValueKind::kSimulated);
}

TEST(RegressCompare, IdenticalResultsPass) {
  const auto base = Parse(BenchJson({{"CostFast/a", kBaseRow}}));
  const auto c = Compare(base, base, Tolerances{});
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c.benchmarks, 1);
  EXPECT_EQ(c.values, 4);
}

TEST(RegressCompare, SimulatedCounterThreePercentWorseFailsUnderTwoPercent) {
  const auto base = Parse(BenchJson({{"CostFast/a", kBaseRow}}));
  const auto now = Parse(BenchJson(
      {{"CostFast/a",
        R"("real_time": 100, "cpu_time": 90, "sync_latency_p99_s": 10.3, "syncs_per_s": 500)"}}));
  const auto c = Compare(base, now, Tolerances{0.02, 0.5});
  ASSERT_EQ(c.failures.size(), 1u);
  EXPECT_EQ(c.failures[0].value, "sync_latency_p99_s");
  EXPECT_NEAR(c.failures[0].change, 0.03, 1e-12);
  EXPECT_TRUE(Compare(base, now, Tolerances{0.05, 0.5}).ok());
}

TEST(RegressCompare, SimulatedCounterThatShrankIsAnImprovementNotAFailure) {
  const auto base = Parse(BenchJson({{"a", kBaseRow}}));
  const auto now = Parse(BenchJson(
      {{"a",
        R"("real_time": 100, "cpu_time": 90, "sync_latency_p99_s": 9.0, "syncs_per_s": 500)"}}));
  const auto c = Compare(base, now, Tolerances{});
  EXPECT_TRUE(c.ok());
  ASSERT_EQ(c.improvements.size(), 1u);
  EXPECT_EQ(c.improvements[0].what, Finding::What::kBetter);
}

TEST(RegressCompare, WallTimeUsesItsOwnLooserToleranceOrNone) {
  const auto base = Parse(BenchJson({{"a", kBaseRow}}));
  const auto slower = Parse(BenchJson(
      {{"a",
        R"("real_time": 140, "cpu_time": 90, "sync_latency_p99_s": 10.0, "syncs_per_s": 500)"}}));
  EXPECT_TRUE(Compare(base, slower, Tolerances{0.02, 0.5}).ok());
  const auto c = Compare(base, slower, Tolerances{0.02, 0.2});
  ASSERT_EQ(c.failures.size(), 1u);
  EXPECT_EQ(c.failures[0].value, "real_time");
  EXPECT_TRUE(Compare(base, slower, Tolerances{0.02, std::nullopt}).ok());
}

TEST(RegressCompare, LowerRateIsWorse) {
  const auto base = Parse(BenchJson({{"a", kBaseRow}}));
  const auto now = Parse(BenchJson(
      {{"a",
        R"("real_time": 100, "cpu_time": 90, "sync_latency_p99_s": 10.0, "syncs_per_s": 200)"}}));
  const auto c = Compare(base, now, Tolerances{0.02, 0.5});
  ASSERT_EQ(c.failures.size(), 1u);
  EXPECT_EQ(c.failures[0].value, "syncs_per_s");
}

TEST(RegressCompare, TimeUnitsAreNormalised) {
  const auto base = Parse(BenchJson({{"a", R"("real_time": 1, "cpu_time": 1)"}}));
  auto text = BenchJson({{"a", R"("real_time": 1000, "cpu_time": 1000)"}});
  text.replace(text.find("\"ms\""), 4, "\"us\"");
  EXPECT_TRUE(Compare(base, Parse(text), Tolerances{0.02, 0.01}).ok());
}

TEST(RegressCompare, BenchmarkMissingFromCurrentFailsAndANewOneIsOnlyListed) {
  const auto base = Parse(BenchJson({{"a", kBaseRow}, {"b", kBaseRow}}));
  const auto now = Parse(BenchJson({{"a", kBaseRow}, {"c", kBaseRow}}));
  const auto c = Compare(base, now, Tolerances{});
  ASSERT_EQ(c.failures.size(), 1u);
  EXPECT_EQ(c.failures[0].what, Finding::What::kMissingBenchmark);
  EXPECT_EQ(c.failures[0].benchmark, "b");
  EXPECT_EQ(c.added, std::vector<std::string>{"c"});
}

TEST(RegressCompare, CounterMissingFromCurrentFails) {
  const auto base = Parse(BenchJson({{"a", kBaseRow}}));
  const auto now =
      Parse(BenchJson({{"a", R"("real_time": 100, "cpu_time": 90, "syncs_per_s": 500)"}}));
  const auto c = Compare(base, now, Tolerances{});
  ASSERT_EQ(c.failures.size(), 1u);
  EXPECT_EQ(c.failures[0].what, Finding::What::kMissingValue);
}

TEST(RegressCompare, GrowthFromAZeroBaselineIsWorse) {
  const auto base =
      Parse(BenchJson({{"a", R"("real_time": 1, "cpu_time": 1, "idle_fraction_mean": 0)"}}));
  const auto now =
      Parse(BenchJson({{"a", R"("real_time": 1, "cpu_time": 1, "idle_fraction_mean": 0.001)"}}));
  const auto c = Compare(base, now, Tolerances{});
  ASSERT_EQ(c.failures.size(), 1u);
  EXPECT_TRUE(std::isinf(c.failures[0].change));
}

TEST(RegressParse, RepetitionsAreReducedToTheirMedianAndSpreadsSkipped) {
  const auto r = Parse(BenchJson(
      {{"a", R"("real_time": 1, "cpu_time": 1, "x": 3)"},
       {"a", R"("real_time": 1, "cpu_time": 1, "x": 1)"},
       {"a", R"("real_time": 1, "cpu_time": 1, "x": 2)"},
       {"a_stddev", R"("aggregate_name": "stddev", "real_time": 1, "cpu_time": 1, "x": 9)"}}));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].values.at("x"), 2);
  EXPECT_EQ(r.rows[0].values.count("iterations"), 0u);
}

TEST(RegressParse, MalformedInputNamesTheFileAndWhatWasExpected) {
  for (const std::string& bad :
       {std::string("not json"), std::string(R"({"context": {}})"),
        std::string(R"({"benchmarks": {}})"),
        std::string(R"({"benchmarks": [{"name": 3, "real_time": 1, "cpu_time": 1}]})"),
        std::string(R"({"benchmarks": [{"name": "a", "real_time": "fast", "cpu_time": 1}]})")}) {
    auto r = ParseBenchmarkJson(bad, "bad.json");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message().find("bad.json"), std::string::npos) << r.error().message();
  }
}

TEST(RegressParse, PercentagesNeedTheirSign) {
  EXPECT_EQ(regress::ParsePercent("2%"), 0.02);
  EXPECT_EQ(regress::ParsePercent("0.5%"), 0.005);
  EXPECT_FALSE(regress::ParsePercent("2").has_value());
  EXPECT_FALSE(regress::ParsePercent("-1%").has_value());
  EXPECT_FALSE(regress::ParsePercent("x%").has_value());
}

// The command as CI runs it.
class RegressCli : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = TempDir() + "/" + name;
    WriteText(path, text);
    return path;
  }
};

TEST_F(RegressCli, IdenticalFilesExitZero) {
  const std::string base = Write("same.json", BenchJson({{"CostFast/a", kBaseRow}}));
  const auto r = RunLocosim("regress --baseline " + base + " --current " + base);
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("ok: 0 values worse"), std::string::npos) << r.out;
}

TEST_F(RegressCli, ThreePercentWorseSimulatedCounterExitsOneNamingIt) {
  const std::string base = Write("base.json", BenchJson({{"CostFast/a", kBaseRow}}));
  const std::string now = Write(
      "now.json",
      BenchJson(
          {{"CostFast/a",
            R"("real_time": 100, "cpu_time": 90, "sync_latency_p99_s": 10.3, "syncs_per_s": 500)"}}));
  const auto r = RunLocosim("regress --baseline " + base + " --current " + now + " --tolerance 2%");
  EXPECT_EQ(r.exit_status, 1) << r.out << r.err;
  EXPECT_NE(
      r.out.find(
          "worse: CostFast/a  sync_latency_p99_s (simulated): 10 -> 10.3 (+3.00%, tolerance 2%)"),
      std::string::npos)
      << r.out;
}

TEST_F(RegressCli, MalformedInputExitsTwoNamingTheFile) {
  const std::string good = Write("good.json", BenchJson({{"a", kBaseRow}}));
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
           {"notjson.json", "{{{"},
           {"nobench.json", R"({"context": {}})"},
           {"wrongtype.json",
            R"({"benchmarks": [{"name": "a", "real_time": "slow", "cpu_time": 1}]})"}}) {
    const std::string bad = Write(name, text);
    const auto r = RunLocosim("regress --baseline " + good + " --current " + bad);
    EXPECT_EQ(r.exit_status, 2) << name << r.out;
    EXPECT_NE(r.err.find(bad), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  const auto missing =
      RunLocosim("regress --baseline " + TempDir() + "/none.json --current " + good);
  EXPECT_EQ(missing.exit_status, 2);
  const auto tolerance =
      RunLocosim("regress --baseline " + good + " --current " + good + " --tolerance 2");
  EXPECT_EQ(tolerance.exit_status, 2);
}

}  // namespace
}  // namespace locosim::testing
