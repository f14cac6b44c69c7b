#include "tools/cli/seed_runs.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/record/atomic_file.h"
#include "sim/record/results_files.h"
#include "sim/record/statistics.h"
#include "tools/cli/command.h"
#include "tools/cli/progress.h"
#include "tools/report/format.h"

namespace locosim::cli {
namespace {

using Json = nlohmann::ordered_json;

// The metrics aggregated over seeds, as summary.json names them.
struct Metric {
  const char* name;
  std::optional<double> (*of)(const MethodSummary&);
};
const Metric kMetrics[] = {
    {"final_eval_loss", [](const MethodSummary& s) { return std::optional(s.final_eval_loss); }},
    {"time_to_target_s", [](const MethodSummary& s) { return s.time_to_target_s; }},
    {"virtual_time_s", [](const MethodSummary& s) { return std::optional(s.virtual_time_s); }},
    {"idle_fraction_mean",
     [](const MethodSummary& s) { return std::optional(s.idle_fraction_mean); }},
    {"sync_latency_p50_s",
     [](const MethodSummary& s) { return std::optional(s.sync_latency_p50_s); }},
};

// Per method, per metric, the values over the seeds that have one.
using Samples = std::map<std::string, std::map<std::string, std::vector<double>>>;

Json SpreadJson(const std::vector<double>& values, int seeds) {
  const MeanInterval m = MeanWith95Interval(values);
  Json j = {{"mean", m.mean},
            {"std", m.std_dev},
            {"ci95_half_width", std::isfinite(m.half_width) ? Json(m.half_width) : Json(nullptr)},
            {"seeds_with_value", values.size()},
            {"values", values}};
  if (static_cast<int>(values.size()) < seeds)
    j["note"] = "absent on some seeds (target not reached)";
  return j;
}

// The run of one seed: a plain run (its folder's scenario.json reruns it alone).
RunRequest RequestForSeed(const RunRequest& request, std::uint64_t seed, bool listed) {
  RunRequest r = request;
  r.sets.push_back(listed ? "seeds=[" + std::to_string(seed) + "]"
                          : "seed=" + std::to_string(seed));
  return r;
}

// A rank other than 0 in a run over ranks: it trains its replicas in every seed's run, in
// the same order as rank 0, which alone writes the folders and the aggregate.
int RunSeedsBesideRoot(const RunRequest& request, const std::vector<std::uint64_t>& seeds,
                       bool listed) {
  for (std::uint64_t seed : seeds) {
    auto prepared = PrepareRun(RequestForSeed(request, seed, listed));
    if (!prepared) return ReportBadInput(prepared.error());
    if (const int status = ExecuteRun(
            *prepared, "", [](const std::string&, double) {}, nullptr);
        status != 0)
      return status;
  }
  return 0;
}

}  // namespace

int RunSeeds(const RunRequest& request, std::optional<int> count,
             const std::optional<std::string>& out_option) {
  namespace fs = std::filesystem;
  auto base = PrepareRun(request);
  if (!base) return ReportBadInput(base.error());
  const std::string out = out_option
                              ? *out_option
                              : "runs/" + base->scenario.name + "-seeds-" + UtcNow("%Y%m%d-%H%M%S");
  const std::vector<std::uint64_t>& listed = base->scenario.seeds;
  if (count && !listed.empty()) {
    return ReportBadInput("--seeds: " + request.scenario +
                          " lists its seeds (\"seeds\"); expected one or the other");
  }
  std::vector<std::uint64_t> seed_list = listed;
  for (int k = 0; count && k < *count; ++k)
    seed_list.push_back(base->scenario.seed + static_cast<std::uint64_t>(k));
  const int seeds = static_cast<int>(seed_list.size());
  if (base->scenario.checkpoint_every_rounds > 0) {
    return ReportBadInput(
        "--seeds: expected a scenario without checkpoint_every_rounds (a run over several "
        "seeds cannot be resumed yet)");
  }
  if (!request.root()) return RunSeedsBesideRoot(request, seed_list, !listed.empty());
  std::error_code ec;
  if (fs::exists(out, ec))
    return ReportBadInput("--out: " + out + " exists; expected a new folder");
  const fs::path target = fs::absolute(out).lexically_normal();
  const fs::path staging = target.parent_path() / ("." + target.filename().string() + ".seeds-" +
                                                   std::to_string(::getpid()));
  fs::create_directories(staging, ec);
  if (ec)
    return ReportBadInput("--out: cannot create " + staging.string() + " (" + ec.message() + ")");

  std::vector<std::string> method_names;
  for (const MethodSpec& m : base->scenario.methods) method_names.push_back(m.name);
  Samples samples;
  Json per_seed = Json::array();
  bool diverged = false;
  for (int k = 0; k < seeds; ++k) {
    const std::uint64_t seed = seed_list[k];
    auto prepared = PrepareRun(RequestForSeed(request, seed, !listed.empty()));
    if (!prepared) return ReportBadInput(prepared.error());
    std::fprintf(stderr, "seed %llu (%d of %d)\n", static_cast<unsigned long long>(seed), k + 1,
                 seeds);
    Progress progress(static_cast<int>(prepared->scenario.methods.size()));
    ScenarioRun run;
    const std::string folder = "seed-" + std::to_string(seed);
    const int status = ExecuteRun(
        *prepared, (staging / folder).string(),
        [&](const std::string& m, double f) { progress(m, f); }, &run);
    if (status != 0) {
      fs::remove_all(staging, ec);
      return status;
    }
    per_seed.push_back(Json{{"seed", seed}, {"folder", folder}});
    for (const MethodRun& m : run.methods) {
      const MethodSummary s = SummarizeMethod(m, run.scenario.target_loss, run.trains);
      diverged = diverged || s.diverged.has_value();
      for (const Metric& metric : kMetrics) {
        if (auto v = metric.of(s); v && std::isfinite(*v))
          samples[m.name][metric.name].push_back(*v);
      }
    }
  }

  Json methods = Json::object();
  for (const std::string& name : method_names) {
    Json m = Json::object();
    for (const Metric& metric : kMetrics)
      m[metric.name] = SpreadJson(samples[name][metric.name], seeds);
    methods[name] = std::move(m);
  }
  // Each pair of methods, each metric: do they differ by more than the seeds spread them?
  Json comparisons = Json::array();
  for (std::size_t a = 0; a < method_names.size(); ++a) {
    for (std::size_t b = a + 1; b < method_names.size(); ++b) {
      Json c = {{"methods", {method_names[a], method_names[b]}}};
      for (const Metric& metric : kMetrics) {
        const auto& x = samples[method_names[a]][metric.name];
        const auto& y = samples[method_names[b]][metric.name];
        c[metric.name] = MeansDiffer95(x, y);
      }
      comparisons.push_back(std::move(c));
    }
  }
  const Json doc = {{"schema_version", 1},
                    {"name", base->scenario.name},
                    {"seeds", per_seed},
                    {"interval", "95% two-sided, Student's t over seeds"},
                    {"difference_test",
                     "Welch's t-test at 5%: true when two methods' means "
                     "differ by more than the spread between seeds"},
                    {"methods", methods},
                    {"comparisons", comparisons}};
  if (auto error = WriteFileAtomically((staging / "seeds.json").string(), doc.dump(2) + "\n")) {
    fs::remove_all(staging, ec);
    return ReportBadInput(*error);
  }
  fs::rename(staging, target, ec);
  if (ec) {
    return ReportBadInput("--out: cannot move " + staging.string() + " to " + target.string() +
                          " (" + ec.message() + ")");
  }

  std::string seed_names;
  for (std::uint64_t s : seed_list)
    seed_names += (seed_names.empty() ? "" : ", ") + std::to_string(s);
  std::printf("%d seeds (%s); mean ± 95%% interval over seeds\n", seeds, seed_names.c_str());
  // One column wider than the header for the "±", two bytes in one column.
  std::printf("%-14s %20s %22s %20s %16s\n", "method", "final_loss", "to_target_s", "virtual_s",
              "idle_mean");
  for (const std::string& name : method_names) {
    auto& m = samples[name];
    std::printf("%-14s %21s %23s %21s %17s\n", name.substr(0, 60).c_str(),
                report::FormatMeanInterval(m["final_eval_loss"], 4).c_str(),
                report::FormatMeanInterval(m["time_to_target_s"], 2).c_str(),
                report::FormatMeanInterval(m["virtual_time_s"], 2).c_str(),
                report::FormatMeanInterval(m["idle_fraction_mean"], 3).c_str());
  }
  for (const Json& c : comparisons) {
    std::string differ, within;
    for (const Metric& metric : kMetrics) {
      std::string& list = c[metric.name].get<bool>() ? differ : within;
      list += (list.empty() ? "" : ", ") + std::string(metric.name);
    }
    std::printf(
        "%s vs %s: differ beyond the seeds' spread in %s; within it in %s\n",
        c["methods"][0].get<std::string>().c_str(), c["methods"][1].get<std::string>().c_str(),
        differ.empty() ? "nothing" : differ.c_str(), within.empty() ? "nothing" : within.c_str());
  }
  std::printf("\nresults: %s (seeds.json; one results folder per seed)\n", out.c_str());
  if (diverged) {
    std::fprintf(stderr, "locosim: a method diverged on some seed; exit status 3\n");
    return 3;
  }
  return 0;
}

}  // namespace locosim::cli
