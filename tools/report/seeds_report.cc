#include "tools/report/seeds_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sim/config/json_reader.h"
#include "sim/record/statistics.h"
#include "tools/report/format.h"

namespace locosim::report {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSeedsFile = "seeds.json";

using Metric = std::function<std::optional<double>(const MethodResult&)>;
struct NamedMetric {
  const char* name;   // as seeds.json names it
  const char* title;  // as the report shows it
  Metric of;
  int precision;
};
const NamedMetric kMetrics[] = {
    {"final_eval_loss", "final eval loss", [](const MethodResult& m) { return m.final_eval_loss; },
     4},
    {"time_to_target_s", "time to target (s)",
     [](const MethodResult& m) { return m.time_to_target_s; }, 2},
    {"virtual_time_s", "virtual time (s)",
     [](const MethodResult& m) { return std::optional(m.virtual_time_s); }, 2},
    {"idle_fraction_mean", "idle fraction, mean",
     [](const MethodResult& m) { return std::optional(m.idle_mean); }, 3},
    {"sync_latency_p50_s", "sync latency p50 (s)",
     [](const MethodResult& m) { return std::optional(m.sync_p50_s); }, 3},
};

std::vector<double> Values(const SeedResults& r, const std::string& method, const Metric& of) {
  std::vector<double> v;
  for (const RunResults& run : r.seeds) {
    if (const MethodResult* m = FindMethod(run, method)) {
      if (auto x = of(*m); x && std::isfinite(*x)) v.push_back(*x);
    }
  }
  return v;
}

// With how many seeds had a value, where some had none (a target not reached).
std::string MeanPlusMinus(const std::vector<double>& v, std::size_t seeds, int precision) {
  std::string s = FormatMeanInterval(v, precision);
  if (!v.empty() && v.size() < seeds)
    s += " (" + std::to_string(v.size()) + " of " + std::to_string(seeds) + ")";
  return s;
}

// Mean loss over seeds at each evaluation step, at the mean virtual time of that step, with
// the 95% interval of the mean loss as a band. Steps missing on some seed are left out.
Series MeanCurve(const SeedResults& r, const std::string& method, int color, bool by_time) {
  std::map<int, std::vector<double>> losses, times;
  for (const RunResults& run : r.seeds) {
    if (const MethodResult* m = FindMethod(run, method)) {
      for (const EvalSample& e : m->eval_curve) {
        if (!e.loss || !std::isfinite(*e.loss)) continue;
        losses[e.step].push_back(*e.loss);
        times[e.step].push_back(e.time_s);
      }
    }
  }
  Series s{method, {}, color, false, true, {}, 0};
  for (const auto& [step, l] : losses) {
    if (l.size() != r.seeds.size()) continue;
    const MeanInterval loss = MeanWith95Interval(l);
    const double x = by_time ? MeanWith95Interval(times[step]).mean : step;
    const double hw = std::isfinite(loss.half_width) ? loss.half_width : 0;
    s.points.push_back({x, loss.mean});
    s.band.push_back({loss.mean - hw, loss.mean + hw});
  }
  return s;
}

std::vector<std::string> MethodNames(const SeedResults& r) {
  std::vector<std::string> names;
  for (const MethodResult& m : r.seeds.front().methods) names.push_back(m.name);
  return names;
}

}  // namespace

bool IsSeedsFolder(const std::string& dir) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / kSeedsFile, ec);
}

Result<SeedResults> LoadSeedResults(const std::string& dir) {
  const std::string file = (fs::path(dir) / kSeedsFile).string();
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return ConfigError{file, "", "a readable seeds.json (docs/results.md)"};
  SeedResults out;
  out.dir = dir;
  std::vector<std::string> folders;
  try {
    const nlohmann::json doc = ParseJsonText(text.str(), file);
    const JsonReader root(doc, file);
    root.ExpectObject();
    out.interval = root.Field("interval").String();
    const JsonReader seeds = root.Field("seeds");
    if (seeds.ArraySize() == 0) seeds.Fail("at least one seed");
    for (std::size_t i = 0; i < seeds.ArraySize(); ++i)
      folders.push_back(seeds.Element(i).Field("folder").String());
    const JsonReader comparisons = root.Field("comparisons");
    for (std::size_t i = 0; i < comparisons.ArraySize(); ++i) {
      const JsonReader c = comparisons.Element(i);
      const JsonReader pair = c.Field("methods");
      if (pair.ArraySize() != 2) pair.Fail("two method names");
      SeedComparison comparison{pair.Element(0).String(), pair.Element(1).String(), {}};
      for (const NamedMetric& m : kMetrics)
        comparison.differs.push_back({m.name, c.Field(m.name).Boolean()});
      out.comparisons.push_back(std::move(comparison));
    }
  } catch (const ConfigException& e) {
    return e.error;
  }
  for (const std::string& folder : folders) {
    auto run = LoadRunResults((fs::path(dir) / folder).string());
    if (!run) return run.error();
    run->label = folder;
    out.seeds.push_back(std::move(*run));
  }
  return out;
}

Document BuildSeedsReport(const SeedResults& r) {
  Document doc;
  const RunResults& first = r.seeds.front();
  const std::size_t n = r.seeds.size();
  doc.title = "locosim report: " + first.name + " over " + std::to_string(n) + " seeds";
  auto add_figure = [&doc](Figure f) {
    doc.figures.push_back(std::move(f));
    doc.blocks.push_back(FigureRef{doc.figures.size() - 1});
  };
  std::string seeds;
  for (const RunResults& run : r.seeds)
    seeds += (seeds.empty() ? "" : ", ") + std::to_string(run.seed);
  doc.blocks.push_back(Paragraph{
      "Every method ran on seeds " + seeds + " (folder " + r.dir +
          "). Figures are means over seeds with their 95% interval (" + r.interval +
          "). Losses are the proxy model's, times the modelled target's; each seed's own report "
          "(locosim report " +
          r.dir + "/seed-N) has the full setting.",
      true});

  doc.blocks.push_back(Heading{2, "Methods, mean ± 95% interval over seeds"});
  Table t;
  t.header = {"method"};
  for (const NamedMetric& m : kMetrics) t.header.push_back(m.title);
  t.numeric.assign(t.header.size(), true);
  t.numeric[0] = false;
  const std::vector<std::string> names = MethodNames(r);
  for (const std::string& name : names) {
    std::vector<std::string> row = {name};
    for (const NamedMetric& m : kMetrics)
      row.push_back(MeanPlusMinus(Values(r, name, m.of), n, m.precision));
    t.rows.push_back(std::move(row));
  }
  doc.blocks.push_back(t);
  if (!first.target_loss) {
    doc.blocks.push_back(
        Paragraph{"No target loss was set, so there is no time to target.", false});
  }

  doc.blocks.push_back(Heading{2, "Which differences exceed the spread between seeds"});
  doc.blocks.push_back(Paragraph{
      "Welch's t-test at 5% on each pair of methods: \"differs\" when the two means are further "
      "apart than the seeds' spread explains; \"within spread\" when this many seeds cannot tell "
      "them apart (which is not evidence that they are equal).",
      false});
  Table d;
  d.header = {"methods"};
  for (const NamedMetric& m : kMetrics) d.header.push_back(m.title);
  for (const SeedComparison& c : r.comparisons) {
    std::vector<std::string> row = {c.first + " vs " + c.second};
    for (const auto& [metric, differs] : c.differs)
      row.push_back(differs ? "differs" : "within spread");
    d.rows.push_back(std::move(row));
  }
  doc.blocks.push_back(d);

  doc.blocks.push_back(Heading{2, "Figures"});
  const bool trained = first.trained.data.has_value();
  if (trained) {
    for (bool by_time : {true, false}) {
      LineChart c;
      c.x_label = by_time ? "virtual time (s), mean over seeds" : "inner steps per replica";
      c.y_label = "eval loss of the mean model (nats)";
      double shortest = INFINITY, longest = 0;
      for (std::size_t i = 0; i < names.size(); ++i) {
        c.series.push_back(MeanCurve(r, names[i], static_cast<int>(i), by_time));
        if (!c.series.back().points.empty()) {
          shortest = std::min(shortest, c.series.back().points.back().first);
          longest = std::max(longest, c.series.back().points.back().first);
        }
      }
      c.log_x = by_time && WantsLogTimeAxis(shortest, longest);
      if (c.log_x) {
        c.x_label += ", log scale";
        // A log axis has no 0: the first evaluation, where every method starts alike, goes.
        for (Series& s : c.series) {
          while (!s.points.empty() && s.points.front().first <= 0) {
            s.points.erase(s.points.begin());
            s.band.erase(s.band.begin());
          }
        }
      }
      add_figure({by_time ? "loss_vs_time" : "loss_vs_steps",
                  by_time ? "Eval loss against virtual time" : "Eval loss against steps",
                  "Mean over seeds (line) and its 95% interval (band)" +
                      std::string(c.log_x ? "; a log axis because the methods' times differ "
                                            "more than 5x, the evaluation at time 0 left out."
                                          : "."),
                  c});
    }
  } else {
    doc.blocks.push_back(
        Paragraph{"No loss curves: these runs trained nothing (timing only).", true});
  }
  StackedBars b;
  b.y_label = "virtual time per replica (s), mean over replicas and seeds";
  b.parts = {{"compute", {}}, {"communication", {}}, {"idle", {}}};
  const double MethodResult::*const kParts[] = {
      &MethodResult::compute_s, &MethodResult::communicate_s, &MethodResult::idle_s};
  for (const std::string& name : names) {
    b.categories.push_back(name);
    for (std::size_t k = 0; k < 3; ++k) {
      const auto part = kParts[k];
      const std::vector<double> v =
          Values(r, name, [part](const MethodResult& m) { return std::optional(m.*part); });
      b.parts[k].second.push_back(MeanWith95Interval(v).mean);
    }
  }
  add_figure({"time_breakdown", "Compute, communication and idle time",
              "Mean over replicas and seeds of each replica's virtual time.", b});

  doc.blocks.push_back(Heading{2, "Sources"});
  Table sources;
  sources.header = {"seed", "folder"};
  for (const RunResults& run : r.seeds) sources.rows.push_back({std::to_string(run.seed), run.dir});
  doc.blocks.push_back(sources);
  return doc;
}

}  // namespace locosim::report
