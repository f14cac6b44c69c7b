// locosim regress --baseline FILE --current FILE: the CI gate on benchmark results. Exit 0
// when nothing got worse beyond tolerance, 1 listing every value that did (or a benchmark
// that went missing), 2 on malformed input. The kinds of values and the direction of
// "worse" are defined in tools/regress/compare.h.
#include <cstdio>
#include <memory>

#include "tools/cli/command.h"
#include "tools/regress/compare.h"

namespace locosim::cli {
namespace {

struct Options {
  std::string baseline;
  std::string current;
  std::string tolerance = "2%";
  std::string wall_tolerance = "50%";
};

int Regress(const Options& o) {
  regress::Tolerances tolerances;
  const auto simulated = regress::ParsePercent(o.tolerance);
  if (!simulated)
    return ReportBadInput("--tolerance: expected a percentage such as 2%, found \"" + o.tolerance +
                          "\"");
  tolerances.simulated = *simulated;
  if (o.wall_tolerance == "off") {
    tolerances.wall = std::nullopt;
  } else {
    const auto wall = regress::ParsePercent(o.wall_tolerance);
    if (!wall) {
      return ReportBadInput(
          "--wall-tolerance: expected a percentage such as 50%, or off, found \"" +
          o.wall_tolerance + "\"");
    }
    tolerances.wall = *wall;
  }
  auto baseline = regress::LoadBenchmarkJson(o.baseline);
  if (!baseline) return ReportBadInput(baseline.error());
  auto current = regress::LoadBenchmarkJson(o.current);
  if (!current) return ReportBadInput(current.error());

  const regress::Comparison c = regress::Compare(*baseline, *current, tolerances);
  const std::string wall = tolerances.wall ? o.wall_tolerance : "off (not gated)";
  std::printf("baseline: %s (%s)\ncurrent:  %s (%s)\n", o.baseline.c_str(),
              baseline->context.c_str(), o.current.c_str(), current->context.c_str());
  std::printf("%d benchmarks, %d values compared; tolerance: simulated %s, wall %s\n", c.benchmarks,
              c.values, o.tolerance.c_str(), wall.c_str());
  for (const regress::Finding& f : c.failures) std::printf("%s\n", regress::Describe(f).c_str());
  for (const regress::Finding& f : c.improvements)
    std::printf("%s\n", regress::Describe(f).c_str());
  for (const std::string& name : c.added)
    std::printf("new: %s (not in the baseline; not gated)\n", name.c_str());
  if (!c.improvements.empty()) {
    std::printf("%zu values improved beyond tolerance: consider refreshing the baseline\n",
                c.improvements.size());
  }
  std::printf("%s: %zu values worse or missing\n", c.ok() ? "ok" : "REGRESSION", c.failures.size());
  return c.ok() ? 0 : 1;
}

}  // namespace

void AddRegressCommand(CLI::App& app, int& status) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("regress",
                                 "compare two Google Benchmark JSON files; exit 1 listing every "
                                 "value that got worse beyond tolerance");
  cmd->add_option("--baseline", o->baseline, "the reference results (--benchmark_out_format=json)")
      ->required();
  cmd->add_option("--current", o->current, "the results to check")->required();
  cmd->add_option(
      "--tolerance", o->tolerance,
      "allowed worsening of simulated counters, relative (default 2%); they are deterministic");
  cmd->add_option("--wall-tolerance", o->wall_tolerance,
                  "allowed worsening of wall times and rates, relative (default 50%), or off");
  cmd->callback([o, &status] { status = Regress(*o); });
}

}  // namespace locosim::cli
