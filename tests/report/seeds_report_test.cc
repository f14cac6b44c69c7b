// The report of a folder of several seeds: it reads seeds.json and each seed's results,
// shows means with intervals and which differences exceed the seeds' spread, draws mean
// curves with bands, and names the file and field of a malformed seeds.json.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli/run_cli.h"
#include "tests/report/fake_runs.h"
#include "tools/report/seeds_report.h"

namespace locosim::testing {
namespace {

namespace fs = std::filesystem;

const char* const kMetricNames[] = {"final_eval_loss", "time_to_target_s", "virtual_time_s",
                                    "idle_fraction_mean", "sync_latency_p50_s"};

// A seeds folder as `locosim run --seeds` lays it out, with two fake runs of seeds 3 and 4
// (their compute jitter differs, so their times do) and `seeds_json` as its seeds.json.
std::string SeedsFolder(const std::string& name, const nlohmann::json& seeds_json) {
  const std::string dir = TempDir() + "/" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (std::uint64_t seed : {3, 4}) {
    FakeRunOptions o;
    o.seed = seed;
    o.methods = {"diloco", "noloco"};
    WriteFakeRun(dir + "/seed-" + std::to_string(seed), o);
  }
  WriteText(dir + "/seeds.json", seeds_json.dump(2));
  return dir;
}

nlohmann::json GoodSeedsJson() {
  nlohmann::json comparison = {{"methods", {"diloco", "noloco"}}};
  for (const char* m : kMetricNames) comparison[m] = std::string(m) == "virtual_time_s";
  return {{"seeds", {{{"seed", 3}, {"folder", "seed-3"}}, {{"seed", 4}, {"folder", "seed-4"}}}},
          {"interval", "95% two-sided, Student's t over seeds"},
          {"comparisons", {comparison}}};
}

const report::Table* TableWithHeader(const report::Document& doc, const std::string& first) {
  for (const report::Block& b : doc.blocks) {
    if (const auto* t = std::get_if<report::Table>(&b); t && t->header.front() == first) return t;
  }
  return nullptr;
}

TEST(SeedsReport, ShowsMeansWithIntervalsAndWhichDifferencesExceedTheSpread) {
  const std::string dir = SeedsFolder("seeds_good", GoodSeedsJson());
  ASSERT_TRUE(report::IsSeedsFolder(dir));
  auto results = report::LoadSeedResults(dir);
  ASSERT_TRUE(results.ok()) << results.error().message();
  ASSERT_EQ(results->seeds.size(), 2u);
  EXPECT_EQ(results->seeds[0].seed, 3u);
  EXPECT_EQ(results->seeds[1].seed, 4u);

  const report::Document doc = report::BuildSeedsReport(*results);
  EXPECT_NE(doc.title.find("over 2 seeds"), std::string::npos) << doc.title;
  const report::Table* means = TableWithHeader(doc, "method");
  ASSERT_NE(means, nullptr);
  ASSERT_EQ(means->rows.size(), 2u);
  EXPECT_EQ(means->rows[0][0], "diloco");
  for (std::size_t c = 1; c < means->rows[0].size(); ++c)
    EXPECT_NE(means->rows[0][c].find("±"), std::string::npos) << means->header[c];

  const report::Table* differs = TableWithHeader(doc, "methods");
  ASSERT_NE(differs, nullptr);
  ASSERT_EQ(differs->rows.size(), 1u);
  EXPECT_EQ(differs->rows[0][0], "diloco vs noloco");
  EXPECT_EQ(differs->rows[0][3], "differs");  // virtual time, as seeds.json says
  EXPECT_EQ(differs->rows[0][1], "within spread");

  // Mean curves with a band: one (low, high) per point, around the mean.
  bool banded = false;
  for (const report::Figure& f : doc.figures) {
    if (f.id != "loss_vs_time") continue;
    for (const report::Series& s : std::get<report::LineChart>(f.chart).series) {
      ASSERT_EQ(s.band.size(), s.points.size()) << s.label;
      ASSERT_FALSE(s.points.empty()) << s.label;
      for (std::size_t i = 0; i < s.points.size(); ++i) {
        EXPECT_LE(s.band[i].first, s.points[i].second);
        EXPECT_GE(s.band[i].second, s.points[i].second);
      }
      banded = true;
    }
  }
  EXPECT_TRUE(banded);
}

TEST(SeedsReport, MalformedSeedsJsonNamesTheFileAndField) {
  nlohmann::json no_interval = GoodSeedsJson();
  no_interval.erase("interval");
  auto r = report::LoadSeedResults(SeedsFolder("seeds_no_interval", no_interval));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("seeds.json"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("interval"), std::string::npos) << r.error().message();

  nlohmann::json not_bool = GoodSeedsJson();
  not_bool["comparisons"][0]["final_eval_loss"] = "yes";
  r = report::LoadSeedResults(SeedsFolder("seeds_not_bool", not_bool));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("final_eval_loss"), std::string::npos) << r.error().message();
}

TEST(SeedsReport, AMissingSeedFolderIsNamed) {
  nlohmann::json missing = GoodSeedsJson();
  missing["seeds"][1]["folder"] = "seed-9";
  auto r = report::LoadSeedResults(SeedsFolder("seeds_missing", missing));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("seed-9"), std::string::npos) << r.error().message();
}

}  // namespace
}  // namespace locosim::testing
