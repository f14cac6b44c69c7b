// The comparison report: what it contains, that its HTML can fetch nothing, that its
// Markdown twin points at SVGs that exist, and the command's exit statuses on bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "tests/cli/run_cli.h"
#include "tests/report/fake_runs.h"
#include "tools/report/gnuplot_runner.h"
#include "tools/report/run_report.h"
#include "tools/report/write_report.h"

namespace locosim::testing {
namespace {

namespace fs = std::filesystem;

const std::string& RunDir(const std::string& name, BitsPerSecond bandwidth,
                          bool timing_only = false) {
  return FakeRunDir(name, {bandwidth, timing_only});
}

std::vector<report::RunResults> TwoRuns() {
  std::vector<report::RunResults> runs;
  for (const auto& dir : {RunDir("fast_net", Gbps(10)), RunDir("slow_net", Mbps(100))}) {
    auto run = report::LoadRunResults(dir);
    EXPECT_TRUE(run.ok()) << run.error().message();
    runs.push_back(std::move(*run));
  }
  return runs;
}

std::vector<std::string> FigureIds(const report::Document& doc) {
  std::vector<std::string> ids;
  for (const auto& f : doc.figures) ids.push_back(f.id);
  return ids;
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(RunReport, ComparesRunsSideBySideWithEveryFigure) {
  const report::Document doc = report::BuildRunReport(TwoRuns());
  EXPECT_EQ(FigureIds(doc), (std::vector<std::string>{"loss_vs_time", "loss_vs_steps",
                                                      "time_breakdown", "sync_latency"}));
  // A symmetric star: every link carried the same bytes, so the report says so in words
  // instead of charting arbitrary ties.
  EXPECT_NE(report::RenderMarkdown(doc, "f").find("carried equal bytes, so none stands out"),
            std::string::npos);
  const auto& loss = std::get<report::LineChart>(doc.figures[0].chart);
  ASSERT_EQ(loss.series.size(), 6u);
  // Grouped by method, then run: the same method of both runs side by side.
  EXPECT_EQ(loss.series[0].label, "fast_net/diloco");
  EXPECT_EQ(loss.series[1].label, "slow_net/diloco");
  const std::string md = report::RenderMarkdown(doc, "report_files");
  EXPECT_NE(md.find("| fast_net/noloco | noloco |"), std::string::npos) << md;
  EXPECT_NE(md.find("TRAINED: model"), std::string::npos);
  EXPECT_NE(md.find("MODELLED: payload per sync | 100 MB (declared) | 100 MB (declared) |"),
            std::string::npos)
      << md;
}

TEST(RunReport, TimingOnlyRunHasNoLossFiguresAndSaysWhy) {
  auto run = report::LoadRunResults(RunDir("timing_only", Gbps(1), true));
  ASSERT_TRUE(run.ok());
  const report::Document doc = report::BuildRunReport({*run});
  EXPECT_EQ(FigureIds(doc), (std::vector<std::string>{"time_breakdown", "sync_latency"}));
  EXPECT_NE(report::RenderMarkdown(doc, "f").find("trained nothing (timing only)"),
            std::string::npos);
}

TEST(RunReport, RunWithoutTransfersStillRendersAndSaysWhy) {
  FakeRunOptions alone;
  alone.replicas = 1;
  alone.methods = {"diloco"};
  auto run = report::LoadRunResults(FakeRunDir("alone", alone));
  ASSERT_TRUE(run.ok()) << run.error().message();
  const report::Document doc = report::BuildRunReport({*run});
  const std::vector<std::string> ids = FigureIds(doc);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "busiest_links"), 0);
  EXPECT_NE(report::RenderMarkdown(doc, "f").find("No link carried any bytes"), std::string::npos);
  EXPECT_FALSE(report::WriteReport(doc, {TempDir() + "/alone.html", ""}).has_value());
}

TEST(RunReport, ADivergedMethodReadsDivergedNotNotReached) {
  auto runs = TwoRuns();
  runs[0].methods[0].diverged_at_step = 40;
  runs[0].methods[0].time_to_target_s.reset();  // as a run that diverged before reaching it
  runs[0].target_loss = 1.0;
  const std::string md = report::RenderMarkdown(report::BuildRunReport(runs), "f");
  EXPECT_NE(md.find("DIVERGED"), std::string::npos) << md;
  EXPECT_NE(md.find("diverged at step 40"), std::string::npos) << md;
}

TEST(RunReport, HtmlInlinesEverySvgWithUniqueIdsAndForbidsFetches) {
  const report::Document doc = report::BuildRunReport(TwoRuns());
  auto svgs = report::RenderFigures(doc.figures);
  ASSERT_TRUE(svgs.ok()) << svgs.error().message();
  const std::string html = report::RenderHtml(doc, *svgs);
  EXPECT_NE(html.find("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""),
            std::string::npos);
  EXPECT_EQ(Count(html, "<svg"), 4);  // busiest links tie on the star: words, no chart
  EXPECT_EQ(Count(html, "<?xml"), 0);
  EXPECT_EQ(Count(html, "<script"), 0);
  EXPECT_EQ(Count(html, " src="), 0);
  EXPECT_EQ(Count(html, "<link"), 0);
  EXPECT_EQ(Count(html, "id='gpPt0'"), 0);
  EXPECT_EQ(Count(html, "id='sync_latency_gpPt0'"), 1);
}

TEST(RunReport, MarkdownFiguresAreWrittenBesideIt) {
  const std::string dir = TempDir() + "/md_out";
  const report::Document doc = report::BuildRunReport(TwoRuns());
  ASSERT_FALSE(report::WriteReport(doc, {dir + "/r.html", dir + "/r.md"}).has_value());
  const std::string md = ReadText(dir + "/r.md");
  for (const auto& f : doc.figures) {
    EXPECT_NE(md.find("](r_files/" + f.id + ".svg)"), std::string::npos) << f.id;
    EXPECT_NE(ReadText(dir + "/r_files/" + f.id + ".svg").find("<svg"), std::string::npos) << f.id;
  }
  EXPECT_TRUE(fs::exists(dir + "/r.html"));
}

TEST(ReportCli, WritesHtmlAndMarkdown) {
  const std::string out = TempDir() + "/cli_report";
  const auto r =
      RunLocosim("report " + RunDir("fast_net", Gbps(10)) + " " + RunDir("slow_net", Mbps(100)) +
                 " -o " + out + "/report.html --md " + out + "/report.md");
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_TRUE(fs::exists(out + "/report.html"));
  EXPECT_TRUE(fs::exists(out + "/report_files/time_breakdown.svg"));
}

TEST(ReportCli, MissingFolderExitsTwoNamingIt) {
  const std::string out = TempDir() + "/never.html";
  const auto r =
      RunLocosim("report " + RunDir("fast_net", Gbps(10)) + " " + TempDir() + "/gone -o " + out);
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(Count(r.err, "\n"), 1) << r.err;
  EXPECT_NE(r.err.find(TempDir() + "/gone: expected a results folder"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST(ReportCli, MalformedSummaryExitsTwoNamingTheFile) {
  const std::string dir = TempDir() + "/bad_summary";
  fs::create_directories(dir);
  WriteText(dir + "/summary.json", "[1, 2]");
  const auto r = RunLocosim("report " + dir + " -o " + TempDir() + "/never2.html");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(Count(r.err, "\n"), 1) << r.err;
  EXPECT_NE(r.err.find(dir + "/summary.json"), std::string::npos) << r.err;
}

TEST(ReportCli, MissingGnuplotNamesThePackage) {
  const std::string out = TempDir() + "/no_gnuplot.html";
  const auto r = RunLocosim("report " + RunDir("fast_net", Gbps(10)) + " -o " + out);
  ASSERT_EQ(r.exit_status, 0) << r.err;  // the control: gnuplot is installed here
  const auto missing = RunLocosim("report " + RunDir("fast_net", Gbps(10)) + " -o " + out + ".2",
                                  "LOCOSIM_GNUPLOT=/nonexistent/gnuplot");
  EXPECT_EQ(missing.exit_status, 2);
  EXPECT_NE(missing.err.find("gnuplot-nox"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(out + ".2"));
}

}  // namespace
}  // namespace locosim::testing
