// locosim report RUN_DIR...: one self-contained HTML page (and optionally a Markdown twin)
// comparing results folders side by side. Bad input exits 2 naming the file.
#include <cstdio>
#include <memory>

#include "tools/cli/command.h"
#include "tools/report/run_report.h"
#include "tools/report/seeds_report.h"
#include "tools/report/write_report.h"

namespace locosim::cli {
namespace {

struct Options {
  std::vector<std::string> runs;
  std::string html = "report.html";
  std::string markdown;
};

// One folder of `locosim run --seeds N`: means over seeds with bands.
int SeedsReport(const Options& o) {
  auto results = report::LoadSeedResults(o.runs.front());
  if (!results) return ReportBadInput(results.error());
  const report::Document doc = report::BuildSeedsReport(*results);
  if (auto error = report::WriteReport(doc, {o.html, o.markdown})) return ReportBadInput(*error);
  std::printf("report: %s%s (%zu seeds, %zu figures)\n", o.html.c_str(),
              o.markdown.empty() ? "" : (" and " + o.markdown).c_str(), results->seeds.size(),
              doc.figures.size());
  return 0;
}

int Report(const Options& o) {
  if (o.runs.size() == 1 && report::IsSeedsFolder(o.runs.front())) return SeedsReport(o);
  std::vector<report::RunResults> runs;
  for (const std::string& dir : o.runs) {
    auto run = report::LoadRunResults(dir);
    if (!run) return ReportBadInput(run.error());
    runs.push_back(std::move(*run));
  }
  report::LabelRuns(runs);
  const report::Document doc = report::BuildRunReport(runs);
  if (auto error = report::WriteReport(doc, {o.html, o.markdown})) return ReportBadInput(*error);
  std::printf("report: %s%s (%zu run%s, %zu figures)\n", o.html.c_str(),
              o.markdown.empty() ? "" : (" and " + o.markdown).c_str(), runs.size(),
              runs.size() == 1 ? "" : "s", doc.figures.size());
  return 0;
}

}  // namespace

void AddReportCommand(CLI::App& app, int& status) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "report", "compare results folders in one self-contained HTML page (and Markdown)");
  cmd->add_option("runs", o->runs, "results folders from locosim run or sweep")->required();
  cmd->add_option("-o,--out", o->html, "the HTML page to write (default report.html)");
  cmd->add_option("--md", o->markdown,
                  "also write Markdown here, with its SVGs in <name>_files/ beside it");
  cmd->callback([o, &status] { status = Report(*o); });
}

}  // namespace locosim::cli
