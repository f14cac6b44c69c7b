#include "sim/record/results_files.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <unistd.h>

#include "sim/record/results_schema.h"
#include "sim/record/statistics.h"
#include "sim/scenario/scenario_echo.h"

namespace locosim {
namespace {

constexpr const char* kPartialInfix = ".partial-";
using Json = nlohmann::ordered_json;

Json DistributionJson(const Distribution& d) {
  return Json{{"mean", d.mean}, {"p50", d.p50}, {"p99", d.p99}, {"max", d.max}, {"count", d.count}};
}

Json MetricsJson(const EvalMetrics& m) {
  Json j = {{"loss", m.loss}};
  if (m.perplexity) j["perplexity"] = *m.perplexity;
  if (m.accuracy) j["accuracy"] = *m.accuracy;
  if (m.reward_margin) j["reward_margin"] = *m.reward_margin;
  return j;
}

std::vector<double> IdleFractions(const MethodRun& run) {
  std::vector<double> fractions;
  for (const ReplicaTotals& r : run.replicas) {
    fractions.push_back(r.end > SimTime() ? r.idle.seconds() / r.end.seconds() : 0.0);
  }
  return fractions;
}

std::vector<double> SyncLatencies(const MethodRun& run) {
  std::vector<double> latencies;
  for (const SyncEvent& s : run.syncs) latencies.push_back((s.done - s.arrived).seconds());
  return latencies;
}

Json BusiestLinks(const MethodRun& run, const Topology& t, std::size_t count) {
  std::vector<int> order(run.channel_bytes.size());
  for (std::size_t c = 0; c < order.size(); ++c) order[c] = static_cast<int>(c);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return run.channel_bytes[a] > run.channel_bytes[b]; });
  Json links = Json::array();
  for (std::size_t i = 0; i < std::min(count, order.size()); ++i) {
    const Channel c = order[i];
    if (run.channel_bytes[c] <= 0) break;
    links.push_back(Json{{"link", t.links[LinkOfChannel(c)].id},
                         {"from", t.nodes[t.channel_source(c)].id},
                         {"to", t.nodes[t.channel_target(c)].id},
                         {"bytes", run.channel_bytes[c]},
                         {"bandwidth", t.channel_bandwidth(c).bps()}});
  }
  return links;
}

// Failures and what they cost: down time and lost compute (means over replicas), and the
// useful-compute fraction, compute that was not lost over every replica's total time.
Json FaultsJson(const MethodRun& run) {
  double compute = 0, lost = 0, down = 0, total = 0;
  for (const ReplicaTotals& r : run.replicas) {
    compute += r.compute.seconds();
    lost += r.lost_compute.seconds();
    down += r.down.seconds();
    total += r.end.seconds();
  }
  const double n = static_cast<double>(std::max<std::size_t>(1, run.replicas.size()));
  Json events = Json::array();
  for (const FaultEvent& f : run.faults) {
    events.push_back(Json{{"replica", f.replica},
                          {"failed_at_s", f.failed.seconds()},
                          {"back_at_s", f.ended ? Json(nullptr) : Json(f.back.seconds())},
                          {"lost_compute_s", f.lost_compute.seconds()},
                          {"ended", f.ended}});
  }
  return Json{{"failures", run.faults.size()},
              {"down_s", down / n},
              {"lost_compute_s", lost / n},
              {"useful_compute_fraction", total > 0 ? (compute - lost) / total : 0.0},
              {"events", std::move(events)}};
}

Json MethodJson(const MethodRun& run, const ScenarioRun& all) {
  const MethodSummary s = SummarizeMethod(run, all.scenario.target_loss, all.trains);
  Json diverged = nullptr;
  if (s.diverged) {
    diverged =
        Json{{"replica", s.diverged->replica ? Json(*s.diverged->replica) : Json("mean model")},
             {"step", s.diverged->step},
             {"virtual_time_s", s.diverged->time.seconds()},
             {"loss", std::isnan(s.diverged->loss) ? "nan"
                      : s.diverged->loss > 0       ? "inf"
                                                   : "-inf"}};
  }
  double compute = 0, communicate = 0, idle = 0, down = 0;
  for (const ReplicaTotals& r : run.replicas) {
    compute += r.compute.seconds();
    communicate += r.communicate.seconds();
    idle += r.idle.seconds();
    down += r.down.seconds();
  }
  const double n = static_cast<double>(run.replicas.size());
  Json curve = Json::array();
  for (const EvalPoint& e : run.evals) {
    Json point = {{"round", e.round}, {"step", e.step}, {"virtual_time_s", e.time.seconds()}};
    point.update(MetricsJson(e.metrics));
    curve.push_back(std::move(point));
  }
  return Json{
      {"kind", run.kind},
      {"inner_steps", run.inner_steps},
      {"outer_rounds", run.rounds},
      {"steps_per_replica", run.inner_steps * run.rounds},
      {"final_eval_loss", s.final_eval_loss},
      {"final_eval", MetricsJson(run.evals.back().metrics)},
      {"virtual_time_s", s.virtual_time_s},
      {"time_to_target_s", s.time_to_target_s ? Json(*s.time_to_target_s) : Json(nullptr)},
      {"time_to_target_bracket_s",
       s.time_to_target_bracket_s
           ? Json::array({s.time_to_target_bracket_s->first, s.time_to_target_bracket_s->second})
           : Json(nullptr)},
      {"diverged", std::move(diverged)},
      {"idle_fraction", DistributionJson(Summarize(IdleFractions(run)))},
      {"sync_latency_s", DistributionJson(Summarize(SyncLatencies(run)))},
      {"time_breakdown_s",
       {{"compute", compute / n},
        {"communicate", communicate / n},
        {"idle", idle / n},
        {"down", down / n}}},
      {"bytes_sent_total", s.bytes_sent_total},
      {"payload_bytes", run.payload.count()},
      {"wire_payload_bytes", run.wire_payload.count()},
      {"sync_message_bytes", run.sync_message.count()},
      {"compression", run.compression.empty() ? Json("none") : Json::parse(run.compression)},
      {"eval_curve", std::move(curve)},
      {"busiest_links", BusiestLinks(run, all.topology, 8)},
      {"faults", FaultsJson(run)},
  };
}

}  // namespace

std::optional<Divergence> FirstDivergence(const MethodRun& run, bool trains) {
  if (!trains) return std::nullopt;
  std::optional<Divergence> first;
  auto consider = [&](std::optional<int> replica, int step, SimTime time, double loss) {
    if (std::isfinite(loss)) return;
    const bool earlier =
        !first || step < first->step ||
        (step == first->step && replica && (!first->replica || *replica < *first->replica));
    if (earlier) first = Divergence{replica, step, time, loss};
  };
  for (const TrainLoss& t : run.train_losses) consider(t.replica, t.step, t.time, t.loss);
  for (const EvalPoint& e : run.evals) consider(std::nullopt, e.step, e.time, e.metrics.loss);
  return first;
}

MethodSummary SummarizeMethod(const MethodRun& run, std::optional<double> target_loss,
                              bool trains) {
  MethodSummary s;
  s.diverged = FirstDivergence(run, trains);
  s.name = run.name;
  s.final_eval_loss = run.evals.back().metrics.loss;
  if (target_loss) {
    for (std::size_t i = 0; i < run.evals.size(); ++i) {
      const EvalPoint& e = run.evals[i];
      if (!(e.metrics.loss <= *target_loss)) continue;
      const double t1 = e.time.seconds();
      if (i == 0) {
        s.time_to_target_s = t1;
        s.time_to_target_bracket_s = std::make_pair(t1, t1);
        break;
      }
      // The loss is taken as linear in virtual time between the two evaluations.
      const EvalPoint& before = run.evals[i - 1];
      const double t0 = before.time.seconds(), l0 = before.metrics.loss, l1 = e.metrics.loss;
      const double fraction = std::isfinite(l0) && l0 > l1 ? (l0 - *target_loss) / (l0 - l1) : 1;
      s.time_to_target_s = t0 + std::clamp(fraction, 0.0, 1.0) * (t1 - t0);
      s.time_to_target_bracket_s = std::make_pair(t0, t1);
      break;
    }
  }
  for (const ReplicaTotals& r : run.replicas)
    s.virtual_time_s = std::max(s.virtual_time_s, r.end.seconds());
  const Distribution idle = Summarize(IdleFractions(run));
  s.idle_fraction_mean = idle.mean;
  s.idle_fraction_p50 = idle.p50;
  s.idle_fraction_p99 = idle.p99;
  const Distribution sync = Summarize(SyncLatencies(run));
  s.sync_latency_mean_s = sync.mean;
  s.sync_latency_p50_s = sync.p50;
  s.sync_latency_p99_s = sync.p99;
  s.bytes_sent_total = run.bytes_sent;
  return s;
}

nlohmann::ordered_json SummaryJson(const ScenarioRun& run) {
  const Scenario& sc = run.scenario;
  Json methods = Json::object();
  for (const MethodRun& m : run.methods) methods[m.name] = MethodJson(m, run);
  Json host = {{"started_at_utc", run.host.started_at_utc},
               {"wall_s", run.host.wall_seconds},
               {"threads", run.host.threads},
               {"ranks", run.host.ranks}};
  if (!run.host.resumed_from.empty()) host["resumed_from"] = run.host.resumed_from;
  Json method_wall = Json::object();
  for (const MethodRun& m : run.methods) method_wall[m.name] = m.wall_seconds;
  host["method_wall_s"] = std::move(method_wall);
  host["versions"] = run.host.versions;
  Json compute = {{"source", run.compute_source},
                  {"step_time_s", run.base_step_time.seconds()},
                  {"jitter_sigma", sc.compute.jitter_sigma},
                  {"stragglers",
                   {{"fraction", sc.compute.straggler_fraction},
                    {"slowdown", sc.compute.straggler_slowdown},
                    {"replicas", run.stragglers}}}};
  Json pinned = Json::object();
  for (const auto& [replica, factor] : sc.compute.replica_step_time_factor) {
    pinned[std::to_string(replica)] = factor;
  }
  compute["replica_step_time_factor"] = std::move(pinned);
  if (sc.compute.target_parameters) {
    compute["target_parameters"] = *sc.compute.target_parameters;
    compute["tokens_per_step"] = sc.compute.tokens_per_step;
  }
  return Json{
      {"schema_version", results::kSchemaVersion},
      {"name", sc.name},
      {"seed", sc.seed},
      {"trained",
       {{"model", run.trained_model},
        {"parameters", run.parameter_count},
        {"model_bytes", run.model_bytes.count()},
        {"data", run.trains ? Json(sc.data.path) : Json(nullptr)},
        {"replicas", sc.replicas},
        {"steps_per_replica", sc.total_steps}}},
      {"modelled",
       {{"payload_bytes", run.payload.count()},
        {"payload_source", run.payload_source},
        {"compute", std::move(compute)},
        {"network",
         {{"backend", sc.network.backend},
          {"topology", run.topology.name},
          {"topology_file", sc.network.topology_file},
          {"nodes", run.topology.node_count()},
          {"links", run.topology.links.size()}}}}},
      {"target_loss", sc.target_loss ? Json(*sc.target_loss) : Json(nullptr)},
      {"methods", std::move(methods)},
      {"scenario", ScenarioToJson(sc)},
      {"host", std::move(host)},
  };
}

nlohmann::ordered_json RerunnableScenarioJson(const Scenario& scenario) {
  // The resolved paths are relative to where the run started; a file read back from the
  // results folder would resolve them against that folder, so they are made absolute here.
  // (summary.json keeps them as given: it must not depend on the machine's folders.)
  nlohmann::ordered_json doc = ScenarioToJson(scenario);
  auto absolute = [](const std::string& path) {
    std::error_code ec;
    const std::filesystem::path p = std::filesystem::absolute(path, ec);
    return ec ? path : p.lexically_normal().string();
  };
  if (doc["network"].contains("topology")) {
    doc["network"]["topology"] = absolute(doc["network"]["topology"].get<std::string>());
  }
  if (doc["data"].contains("path")) {
    doc["data"]["path"] = absolute(doc["data"]["path"].get<std::string>());
  }
  return doc;
}

std::string PartialFolderFor(const std::string& dir, long pid) {
  const std::filesystem::path target(dir);
  return (target.parent_path() /
          ("." + target.filename().string() + kPartialInfix + std::to_string(pid)))
      .string();
}

std::optional<long> PartialFolderPid(const std::string& path) {
  std::filesystem::path p = std::filesystem::path(path).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();  // "DIR/"
  const std::string name = p.filename().string();
  const std::size_t at = name.rfind(kPartialInfix);
  if (name.empty() || name[0] != '.' || at == std::string::npos || at < 2) return std::nullopt;
  const std::string digits = name.substr(at + std::string(kPartialInfix).size());
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stol(digits);
}

std::optional<std::string> WriteResultsFolder(const ScenarioRun& run, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec)) return dir + " already exists; choose another --out";
  const fs::path target(dir);
  const fs::path temp = PartialFolderFor(dir, ::getpid());
  // A run that checkpoints has kept its checkpoints in this folder since it started: they
  // stay until the results are complete, so that a failure here loses nothing.
  const fs::path checkpoints = temp / std::string(results::kCheckpointFolder);
  fs::create_directories(temp, ec);
  if (ec) return "cannot create " + temp.string() + ": " + ec.message();
  // Each file is streamed into the temporary folder (none is built in memory: syncs.csv and
  // trace.json grow with the run); the folder is renamed into place only when all are.
  using Writer = std::function<void(std::ostream&)>;
  const std::pair<std::string_view, Writer> files[] = {
      {results::kSummaryFile, [&](std::ostream& o) { o << SummaryJson(run).dump(2) << "\n"; }},
      {results::kCurvesFile, [&](std::ostream& o) { WriteCurvesCsv(run, o); }},
      {results::kSyncsFile, [&](std::ostream& o) { WriteSyncsCsv(run, o); }},
      {results::kTraceFile, [&](std::ostream& o) { WriteTraceJson(run, o); }},
      {results::kScenarioFile,
       [&](std::ostream& o) { o << RerunnableScenarioJson(run.scenario).dump(2) << "\n"; }},
  };
  const auto undo = [&] {
    if (!fs::exists(checkpoints, ec)) {
      fs::remove_all(temp, ec);
      return;
    }
    for (const auto& [name, write] : files) fs::remove(temp / std::string(name), ec);
  };
  for (const auto& [name, write] : files) {
    const fs::path file = temp / std::string(name);
    std::string failure;
    try {
      std::ofstream out(file, std::ios::binary);
      if (out) write(out);
      out.flush();
      if (!out) failure = "cannot write " + file.string();
    } catch (const std::exception& e) {
      failure = "cannot write " + file.string() + ": " + e.what();
    }
    if (!failure.empty()) {
      undo();
      return failure;
    }
  }
  fs::remove_all(checkpoints, ec);
  fs::rename(temp, target, ec);
  if (ec) {
    undo();
    return "cannot rename " + temp.string() + " to " + dir + ": " + ec.message();
  }
  return std::nullopt;
}

}  // namespace locosim
