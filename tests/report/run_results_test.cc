// Results folders read back for reports: complete ones, timing-only ones, broken ones.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/cli/run_cli.h"
#include "tests/report/fake_runs.h"
#include "tools/report/run_results.h"

namespace locosim::testing {
namespace {

namespace fs = std::filesystem;
using report::LoadRunResults;

std::string FreshRun(const std::string& name, const FakeRunOptions& options = {}) {
  const std::string dir = TempDir() + "/" + name;
  if (!fs::exists(dir)) WriteFakeRun(dir, options);
  return dir;
}

TEST(RunResults, ReadsEveryMethodInRunOrderWithItsSyncEvents) {
  auto run = LoadRunResults(FreshRun("complete"));
  ASSERT_TRUE(run.ok()) << run.error().message();
  ASSERT_EQ(run->methods.size(), 3u);
  EXPECT_EQ(run->methods[0].name, "diloco");
  EXPECT_EQ(run->methods[2].name, "ddp");
  EXPECT_EQ(run->label, "complete");
  EXPECT_EQ(run->trained.replicas, 8);
  EXPECT_EQ(run->modelled.payload_bytes, 100'000'000);
  EXPECT_EQ(run->modelled.payload_source, "declared");
  EXPECT_EQ(run->modelled.stragglers, 2);
  for (const auto& m : run->methods) {
    EXPECT_EQ(m.sync_latencies_s.size(), 8u * (200u / static_cast<unsigned>(m.inner_steps)))
        << m.name;
    EXPECT_TRUE(m.final_eval_loss.has_value());
    EXPECT_FALSE(m.eval_curve.empty());
  }
}

TEST(RunResults, TimingOnlyRunHasNoLossesAndNoData) {
  auto run = LoadRunResults(FreshRun("timing", {Gbps(1), true}));
  ASSERT_TRUE(run.ok()) << run.error().message();
  EXPECT_FALSE(run->trained.data.has_value());
  for (const auto& m : run->methods) {
    EXPECT_FALSE(m.final_eval_loss.has_value());
    EXPECT_FALSE(m.time_to_target_s.has_value());
    for (const auto& e : m.eval_curve) EXPECT_FALSE(e.loss.has_value());
    EXPECT_GT(m.sync_p50_s, 0);
  }
}

TEST(RunResults, MissingFolderNamesIt) {
  auto run = LoadRunResults(TempDir() + "/no-such-run");
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.error().message().find("no-such-run: expected a results folder"), std::string::npos)
      << run.error().message();
}

TEST(RunResults, MalformedSummaryNamesTheFileAndTheField) {
  const std::string dir = TempDir() + "/malformed";
  fs::create_directories(dir);
  WriteText(dir + "/summary.json", "{\"schema_version\": 1, \"name\": 7}");
  auto run = LoadRunResults(dir);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.error().message().find(dir + "/summary.json: at $.name"), std::string::npos)
      << run.error().message();
  WriteText(dir + "/summary.json", "{ not json");
  run = LoadRunResults(dir);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.error().message().find(dir + "/summary.json"), std::string::npos)
      << run.error().message();
}

TEST(RunResults, BrokenSyncsCsvNamesTheLine) {
  const std::string dir = FreshRun("broken-syncs");
  WriteText(dir + "/syncs.csv",
            "method,replica,round,arrived_s,started_s,done_s,idle_s,communicate_s,latency_s\n"
            "diloco,0,0,1,2,3,1,1,fast\n");
  auto run = LoadRunResults(dir);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.error().message().find("syncs.csv: at line 2"), std::string::npos)
      << run.error().message();
}

TEST(RunResults, EvalCurvesComeFromCurvesCsvAndMatchTheSummary) {
  const std::string dir = FreshRun("complete");
  auto run = LoadRunResults(dir);
  ASSERT_TRUE(run.ok()) << run.error().message();
  for (const auto& m : run->methods) {
    ASSERT_FALSE(m.eval_curve.empty()) << m.name;
    EXPECT_EQ(m.eval_curve.front().step, 0) << m.name;
    EXPECT_EQ(m.eval_curve.back().step, 200) << m.name;
    ASSERT_TRUE(m.eval_curve.back().loss.has_value());
    EXPECT_NEAR(*m.eval_curve.back().loss, *m.final_eval_loss, 1e-8) << m.name;
  }
}

TEST(RunResults, BrokenCurvesCsvNamesTheLine) {
  const std::string dir = FreshRun("broken-curves");
  WriteText(
      dir + "/curves.csv",
      "method,series,round,step,virtual_time_s,train_loss,eval_loss,eval_perplexity,eval_accuracy\n"
      "diloco,mean,0,0,0,,low,,\n");
  auto run = LoadRunResults(dir);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.error().message().find("curves.csv: at line 2: expected a number in eval_loss"),
            std::string::npos)
      << run.error().message();
}

TEST(RunResults, RunsWithTheSameFolderNameAreLabelledByPath) {
  std::vector<report::RunResults> runs(2);
  runs[0].dir = "a/run";
  runs[0].label = "run";
  runs[1].dir = "b/run";
  runs[1].label = "run";
  report::LabelRuns(runs);
  EXPECT_EQ(runs[0].label, "a/run");
  EXPECT_EQ(runs[1].label, "b/run");
}

}  // namespace
}  // namespace locosim::testing
