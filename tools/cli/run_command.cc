// locosim validate SCENARIO / locosim run SCENARIO: the product's main job.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "tools/cli/command.h"
#include "tools/cli/comparison_table.h"
#include "tools/cli/progress.h"
#include "tools/cli/rank_options.h"
#include "tools/cli/run_pipeline.h"
#include "tools/cli/seed_runs.h"

namespace locosim::cli {
namespace {

struct Options {
  RunRequest request;
  std::optional<std::string> out;     // absent: runs/<name>-<UTC time>
  std::optional<std::string> resume;  // a killed run's partial folder
  int seeds = 1;                      // > 1: tools/cli/seed_runs.h
  RankOptions ranks;
};

int Validate(const Options& o) {
  auto prepared = PrepareRun(o.request);
  if (!prepared) return ReportBadInput(prepared.error());
  const Scenario& s = prepared->scenario;
  std::string methods;
  for (const MethodSpec& m : s.methods) methods += (methods.empty() ? "" : ", ") + m.name;
  const std::string seeds =
      s.seeds.empty() ? "" : "; " + std::to_string(s.seeds.size()) + " seeds, each a run";
  std::printf(
      "%s: valid. %d replicas, %d steps each, methods: %s; %s backend on %s (%d nodes, %zu "
      "links)%s\n",
      o.request.scenario.c_str(), s.replicas, s.total_steps, methods.c_str(),
      s.network.backend.c_str(), prepared->topology.name.c_str(), prepared->topology.node_count(),
      prepared->topology.links.size(), seeds.c_str());
  return 0;
}

int Run(const Options& given) {
  Options o = given;
  if (o.out && o.out->empty()) return ReportBadInput("--out: expected a folder name, found \"\"");
  auto spec = ResolveRankSpec(o.ranks);
  if (!spec) return ReportBadInput(spec.error());
  if (*spec) {
    // Everything that can be refused is, before this rank waits for the others.
    if (o.resume) {
      return ReportBadInput("--world-size: a new run (no --resume) over several ranks");
    }
    if (!o.out) return ReportBadInput("--out: a results folder, given to every rank alike");
    if (auto error = CheckRunOverRanks(o.request, (*spec)->world_size))
      return ReportBadInput(*error);
    auto ranks = JoinRanks(**spec);
    if (!ranks) return ReportBadInput(ranks.error());
    o.request.ranks = *ranks;
  }
  ScenarioRun run;
  std::string out;
  int status = 0;
  if (o.resume) {
    if (!o.request.scenario.empty() || o.out || !o.request.sets.empty() ||
        !o.request.methods.empty() || o.request.timing_only || o.seeds > 1) {
      return ReportBadInput(
          "--resume: expected no scenario, --out, --set, --methods or --timing-only with it "
          "(the run goes on as it was started)");
    }
    auto plan = PrepareResume(*o.resume);
    if (!plan) return ReportBadInput(plan.error());
    out = plan->out;
    Progress progress(static_cast<int>(plan->prepared.scenario.methods.size()));
    status = ExecuteResume(
        *plan, [&](const std::string& m, double f) { progress(m, f); }, &run);
  } else {
    if (o.request.scenario.empty())
      return ReportBadInput("run: expected a scenario file (or --resume DIR)");
    if (o.seeds > 1) return RunSeeds(o.request, o.seeds, o.out);
    auto prepared = PrepareRun(o.request);
    if (!prepared) return ReportBadInput(prepared.error());
    if (!prepared->scenario.seeds.empty()) return RunSeeds(o.request, std::nullopt, o.out);
    const Scenario& s = prepared->scenario;
    out = o.out ? *o.out : "runs/" + s.name + "-" + UtcNow("%Y%m%d-%H%M%S");
    Progress progress(static_cast<int>(s.methods.size()));
    const bool root = o.request.root();
    status = ExecuteRun(
        *prepared, out,
        [&](const std::string& m, double f) {
          if (root) progress(m, f);
        },
        &run);
  }
  if (status != 0) return status;
  if (!o.request.root()) return 0;  // rank 0 prints and writes
  std::printf("%s", ComparisonTable(run).c_str());
  std::printf("\nresults: %s (summary.json, curves.csv, syncs.csv, trace.json, scenario.json)\n",
              out.c_str());
  if (AnyDiverged(run)) {
    // The results are complete and say so ("diverged" in summary.json); the status tells a
    // script that a method's numbers are not a converged training run.
    std::fprintf(stderr,
                 "locosim: a method diverged (its loss became NaN or infinite); exit status 3\n");
    return 3;
  }
  return 0;
}

void AddCommonOptions(CLI::App* command, Options& o, bool scenario_required = true) {
  auto* scenario = command->add_option("scenario", o.request.scenario, "scenario file (JSON)");
  if (scenario_required) scenario->required();
  command->add_option("--set", o.request.sets,
                      "override a field: path=value, e.g. replicas=32 (repeatable)");
  command->add_option("--methods", o.request.methods, "only these methods, comma-separated");
  command->add_flag(
      "--timing-only", o.request.timing_only,
      "train nothing: only the schedule and the network are simulated (losses absent); "
      "the payload must be declared");
}

}  // namespace

void AddRunCommands(CLI::App& app, int& status) {
  auto v = std::make_shared<Options>();
  auto* validate = app.add_subcommand(
      "validate", "check a scenario file (and its topology and data) without running it");
  AddCommonOptions(validate, *v);
  validate->callback([v, &status] { status = Validate(*v); });

  auto r = std::make_shared<Options>();
  auto* run =
      app.add_subcommand("run", "run every method of a scenario and write a results folder");
  AddCommonOptions(run, *r, /*scenario_required=*/false);
  run->add_option("--out", r->out,
                  "results folder (default: runs/<name>-<UTC time>); must not exist");
  run->add_option("--resume", r->resume,
                  "continue a killed run from its last checkpoint: the .NAME.partial-PID folder "
                  "it left beside its results folder (scenario field checkpoint_every_rounds)");
  run->add_option("--seeds", r->seeds,
                  "run every method on this many seeds (the scenario's, then the next ones) and "
                  "report mean ± 95% interval over them (or list them: scenario field seeds)")
      ->check(CLI::Range(1, 1000));
  AddRankOptions(run, r->ranks);
  run->callback([r, &status] { status = Run(*r); });
}

}  // namespace locosim::cli
