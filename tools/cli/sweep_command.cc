// locosim sweep SCENARIO --vary path=v1,v2 [--vary ...]: a run per point of the grid (the
// cartesian product), each a normal results folder inside the sweep folder, then sweep.csv
// and a sweep report (report.html, report.md). Every point is checked before the first one
// runs, so a bad value fails in seconds rather than hours into the sweep.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "sim/record/atomic_file.h"
#include "tools/cli/command.h"
#include "tools/cli/progress.h"
#include "tools/cli/run_pipeline.h"
#include "tools/report/sweep_report.h"
#include "tools/report/write_report.h"
#include "tools/sweep/sweep_grid.h"

namespace locosim::cli {
namespace {

namespace fs = std::filesystem;

struct Options {
  RunRequest base;
  std::vector<std::string> vary;
  std::string out;
};

std::string Describe(const sweep::Point& p) {
  std::string out;
  for (const std::string& o : p.overrides) out += (out.empty() ? "" : " ") + o;
  return out;
}

int Sweep(const Options& o) {
  std::vector<sweep::Axis> axes;
  for (const std::string& text : o.vary) {
    auto axis = sweep::ParseAxis(text);
    if (!axis)
      return ReportBadInput(
          "--vary: expected path=value1,value2,... (e.g. replicas=16,64), found \"" + text + "\"");
    axes.push_back(std::move(*axis));
  }
  const std::vector<sweep::Point> grid = sweep::Grid(axes);

  // Check every point before running any.
  std::vector<PreparedRun> prepared;
  for (const sweep::Point& p : grid) {
    RunRequest request = o.base;
    request.sets.insert(request.sets.end(), p.overrides.begin(), p.overrides.end());
    auto run = PrepareRun(request);
    if (!run)
      return ReportBadInput("sweep point " + std::to_string(p.index) + " (" + Describe(p) +
                            "): " + run.error().message());
    if (!run->scenario.seeds.empty()) {
      return ReportBadInput(o.base.scenario +
                            ": $.seeds: a single seed for a sweep (each point runs once; vary "
                            "\"seed\" to sweep seeds)");
    }
    prepared.push_back(std::move(*run));
  }
  const std::string out =
      o.out.empty() ? "runs/" + prepared.front().scenario.name + "-sweep-" + UtcNow("%Y%m%d-%H%M%S")
                    : o.out;
  std::error_code ec;
  if (fs::exists(out, ec))
    return ReportBadInput("--out: " + out + " already exists; choose another folder");
  fs::create_directories(out, ec);
  if (ec) return ReportBadInput("--out: cannot create " + out + ": " + ec.message());

  report::SweepResults results{o.base.scenario, o.base.sets, axes, {}};
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const sweep::Point& p = grid[i];
    std::fprintf(stderr, "point %zu/%zu: %s\n", i + 1, grid.size(), Describe(p).c_str());
    Progress progress(static_cast<int>(prepared[i].scenario.methods.size()), "  ");
    const std::string dir = (fs::path(out) / p.folder).string();
    const int status =
        ExecuteRun(prepared[i], dir, [&](const std::string& m, double f) { progress(m, f); });
    if (status != 0) return status;
    // Read back what was written: the report sees exactly what a user would.
    auto run = report::LoadRunResults(dir);
    if (!run) return ReportBadInput(run.error());
    results.points.push_back({p, std::move(*run)});
  }

  const std::string csv = (fs::path(out) / "sweep.csv").string();
  if (auto error = WriteFileAtomically(csv, report::SweepCsv(results)))
    return ReportBadInput(*error);
  const std::string html = (fs::path(out) / "report.html").string();
  const std::string md = (fs::path(out) / "report.md").string();
  if (auto error = report::WriteReport(report::BuildSweepReport(results), {html, md}))
    return ReportBadInput(*error);

  int width = 5;
  for (const sweep::Point& p : grid) width = std::max(width, static_cast<int>(p.folder.size()));
  std::printf("%-*s %-12s %12s %12s %10s %14s\n", width, "point", "method", "sync_p50_s",
              "sync_p99_s", "idle_mean", "to_target_s");
  for (const report::SweepPoint& p : results.points) {
    for (const report::MethodResult& m : p.run.methods) {
      std::printf("%-*s %-12s %12.4g %12.4g %10.3f %14s\n", width, p.point.folder.c_str(),
                  m.name.c_str(), m.sync_p50_s, m.sync_p99_s, m.idle_mean,
                  m.time_to_target_s ? std::to_string(*m.time_to_target_s).c_str() : "-");
    }
  }
  std::printf("\nsweep: %s (%zu runs; sweep.csv, report.html, report.md)\n", out.c_str(),
              grid.size());
  return 0;
}

}  // namespace

void AddSweepCommand(CLI::App& app, int& status) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "sweep", "run a scenario over a grid of values and report against each value");
  cmd->add_option("scenario", o->base.scenario, "scenario file (JSON)")->required();
  cmd->add_option("--vary", o->vary,
                  "a field and its values: path=v1,v2,... (repeatable; the grid is the cartesian "
                  "product), e.g. "
                  "network.overrides.bandwidth=100Mbps,1Gbps")
      ->required();
  cmd->add_option("--set", o->base.sets,
                  "override a field at every point: path=value (repeatable)");
  cmd->add_option("--methods", o->base.methods, "only these methods, comma-separated");
  cmd->add_flag("--timing-only", o->base.timing_only,
                "train nothing (see locosim run --timing-only)");
  cmd->add_option("--out", o->out,
                  "sweep folder (default: runs/<name>-sweep-<UTC time>); must not exist");
  cmd->callback([o, &status] { status = Sweep(*o); });
}

}  // namespace locosim::cli
