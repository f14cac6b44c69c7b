#include "tools/report/run_results.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sim/config/json_reader.h"
#include "sim/record/results_files.h"
#include "sim/record/results_schema.h"

namespace locosim::report {
namespace {

namespace fs = std::filesystem;

std::optional<double> OptionalNumber(const JsonReader& r, const char* key) {
  auto field = r.OptionalField(key);
  if (!field || field->raw().is_null()) return std::nullopt;
  return field->Number();
}

Trained ReadTrained(const JsonReader& r) {
  Trained t;
  t.model = r.Field("model").String();
  t.parameters = r.Field("parameters").Integer();
  t.model_bytes = r.Field("model_bytes").Integer();
  if (auto d = r.OptionalField("data"); d && !d->raw().is_null()) t.data = d->String();
  t.replicas = static_cast<int>(r.Field("replicas").Integer());
  t.steps_per_replica = static_cast<int>(r.Field("steps_per_replica").Integer());
  return t;
}

Modelled ReadModelled(const JsonReader& r) {
  Modelled m;
  m.payload_bytes = r.Field("payload_bytes").Integer();
  m.payload_source = r.Field("payload_source").String();
  const JsonReader c = r.Field("compute");
  m.compute_source = c.Field("source").String();
  m.step_time_s = c.Field("step_time_s").Number();
  m.jitter_sigma = c.Field("jitter_sigma").Number();
  const JsonReader s = c.Field("stragglers");
  m.straggler_fraction = s.Field("fraction").Number();
  m.straggler_slowdown = s.Field("slowdown").Number();
  m.stragglers = static_cast<int>(s.Field("replicas").ArraySize());
  m.target_parameters = OptionalNumber(c, "target_parameters");
  m.tokens_per_step = OptionalNumber(c, "tokens_per_step");
  const JsonReader n = r.Field("network");
  m.backend = n.Field("backend").String();
  m.topology = n.Field("topology").String();
  m.topology_file = n.Field("topology_file").String();
  m.nodes = static_cast<int>(n.Field("nodes").Integer());
  m.links = static_cast<int>(n.Field("links").Integer());
  return m;
}

MethodResult ReadMethod(const std::string& name, const JsonReader& r) {
  MethodResult m;
  m.name = name;
  m.kind = r.Field("kind").String();
  m.inner_steps = static_cast<int>(r.Field("inner_steps").Integer());
  m.final_eval_loss = OptionalNumber(r, "final_eval_loss");
  if (auto final_eval = r.OptionalField("final_eval")) {
    m.final_eval_accuracy = OptionalNumber(*final_eval, "accuracy");
    m.final_eval_reward_margin = OptionalNumber(*final_eval, "reward_margin");
  }
  m.time_to_target_s = OptionalNumber(r, "time_to_target_s");
  if (auto d = r.OptionalField("diverged"); d && !d->raw().is_null()) {
    m.diverged_at_step = static_cast<int>(d->Field("step").Integer());
  }
  m.virtual_time_s = r.Field("virtual_time_s").Number();
  const JsonReader idle = r.Field("idle_fraction");
  m.idle_mean = idle.Field("mean").Number();
  m.idle_p50 = idle.Field("p50").Number();
  m.idle_p99 = idle.Field("p99").Number();
  const JsonReader sync = r.Field("sync_latency_s");
  m.sync_mean_s = sync.Field("mean").Number();
  m.sync_p50_s = sync.Field("p50").Number();
  m.sync_p99_s = sync.Field("p99").Number();
  const JsonReader t = r.Field("time_breakdown_s");
  m.compute_s = t.Field("compute").Number();
  m.communicate_s = t.Field("communicate").Number();
  m.idle_s = t.Field("idle").Number();
  m.bytes_sent = r.Field("bytes_sent_total").Number();
  const JsonReader links = r.Field("busiest_links");
  for (std::size_t i = 0; i < links.ArraySize(); ++i) {
    const JsonReader l = links.Element(i);
    m.busiest_links.push_back({l.Field("link").String(), l.Field("from").String(),
                               l.Field("to").String(), l.Field("bytes").Number()});
  }
  return m;
}

std::optional<std::string> ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The rows of a CSV file under the header `header`, each split into exactly `columns` cells;
// or an error naming the line.
Result<std::vector<std::vector<std::string>>> CsvRows(const std::string& file,
                                                      const std::string& text,
                                                      std::string_view header, int columns) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    const std::string where = "line " + std::to_string(number);
    if (number == 1) {
      if (line != header)
        return ConfigError{file, where, "the header \"" + std::string(header) + "\""};
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream row(line);
    std::string cell;
    while (std::getline(row, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',')
      cells.push_back("");  // getline drops a last empty cell
    if (static_cast<int>(cells.size()) != columns) {
      return ConfigError{file, where,
                         std::to_string(columns) + " comma-separated cells, found " +
                             std::to_string(cells.size())};
    }
    rows.push_back(std::move(cells));
  }
  if (number == 0)
    return ConfigError{file, "", "a CSV file with a header line, found an empty file"};
  return rows;
}

// A number cell, or an error naming the line and column; empty cells are absent values.
std::optional<ConfigError> ParseCell(const std::string& file, std::size_t row, const char* column,
                                     const std::string& cell, std::optional<double>& value) {
  if (cell.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(cell.c_str(), &end);
  if (*end != '\0') {
    return ConfigError{file, "line " + std::to_string(row + 2),
                       "a number in " + std::string(column) + ", found \"" + cell + "\""};
  }
  value = v;
  return std::nullopt;
}

MethodResult* MethodNamed(RunResults& run, const std::string& name) {
  for (MethodResult& m : run.methods) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

// curves.csv: the mean model's evaluations become each method's eval curve; the replicas'
// training losses are not drawn.
std::optional<ConfigError> ReadCurves(const std::string& file, const std::string& text,
                                      RunResults& run) {
  const bool without_reward_margin =
      text.substr(0, text.find('\n')) == results::kCurvesHeaderWithoutRewardMargin;
  auto rows = without_reward_margin
                  ? CsvRows(file, text, results::kCurvesHeaderWithoutRewardMargin,
                            results::kCurvesColumns - 1)
                  : CsvRows(file, text, results::kCurvesHeader, results::kCurvesColumns);
  if (!rows) return rows.error();
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const std::vector<std::string>& cells = (*rows)[i];
    if (cells[1] != "mean") continue;
    MethodResult* method = MethodNamed(run, cells[0]);
    if (!method)
      return ConfigError{file, "line " + std::to_string(i + 2),
                         "a method of summary.json, found \"" + cells[0] + "\""};
    std::optional<double> step, time, loss;
    if (auto e = ParseCell(file, i, "step", cells[3], step)) return e;
    if (auto e = ParseCell(file, i, "virtual_time_s", cells[4], time)) return e;
    if (auto e = ParseCell(file, i, "eval_loss", cells[6], loss)) return e;
    if (!step || !time)
      return ConfigError{file, "line " + std::to_string(i + 2), "a step and a virtual_time_s"};
    // A diverged evaluation ("nan", "inf") is not drawn; summary.json's `diverged` reports it.
    if (loss && !std::isfinite(*loss)) loss.reset();
    method->eval_curve.push_back({static_cast<int>(*step), *time, loss});
  }
  return std::nullopt;
}

// syncs.csv: only latency_s is read.
std::optional<ConfigError> ReadSyncs(const std::string& file, const std::string& text,
                                     RunResults& run) {
  auto rows = CsvRows(file, text, results::kSyncsHeader, results::kSyncsColumns);
  if (!rows) return rows.error();
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const std::vector<std::string>& cells = (*rows)[i];
    MethodResult* method = MethodNamed(run, cells[0]);
    if (!method)
      return ConfigError{file, "line " + std::to_string(i + 2),
                         "a method of summary.json, found \"" + cells[0] + "\""};
    std::optional<double> latency;
    if (auto e = ParseCell(file, i, "latency_s", cells[results::kSyncsLatencyColumn], latency))
      return e;
    if (!latency)
      return ConfigError{file, "line " + std::to_string(i + 2),
                         "a number in latency_s, found \"\""};
    method->sync_latencies_s.push_back(*latency);
  }
  return std::nullopt;
}

}  // namespace
Result<RunResults> LoadRunResults(const std::string& dir) {
  if (!fs::is_directory(dir)) {
    return ConfigError{dir, "",
                       "a results folder written by locosim run or sweep, found " +
                           std::string(fs::exists(dir) ? "a file" : "nothing there")};
  }
  // A killed or unfinished run's folder is never read as if it were results.
  if (PartialFolderPid(dir)) {
    return ConfigError{dir, "",
                       "a results folder, found the partial folder of a run that did not finish "
                       "(`locosim run --resume " +
                           dir + "` continues it if it holds checkpoints)"};
  }
  const std::string summary_file = (fs::path(dir) / results::kSummaryFile).string();
  const auto text = ReadText(summary_file);
  if (!text)
    return ConfigError{summary_file, "",
                       "a results folder's summary.json (docs/results.md), found no readable file"};
  RunResults run;
  run.dir = dir;
  run.label = fs::path(dir).lexically_normal().filename().string();
  if (run.label.empty() || run.label == ".")
    run.label = fs::path(dir).lexically_normal().parent_path().filename().string();
  try {
    const nlohmann::json doc = ParseJsonText(*text, summary_file);
    const JsonReader root(doc, summary_file);
    root.ExpectObject();
    const JsonReader version = root.Field("schema_version");
    if (version.Integer() != results::kSchemaVersion) {
      version.Fail("schema_version " + std::to_string(results::kSchemaVersion) +
                   ", the one this locosim reads");
    }
    run.name = root.Field("name").String();
    run.seed = static_cast<std::uint64_t>(root.Field("seed").Integer());
    run.trained = ReadTrained(root.Field("trained"));
    run.modelled = ReadModelled(root.Field("modelled"));
    run.target_loss = OptionalNumber(root, "target_loss");
    const JsonReader methods = root.Field("methods");
    methods.ExpectObject();
    // nlohmann::json sorts keys; the resolved scenario's method list keeps the order they ran in.
    const JsonReader order = root.Field("scenario").Field("methods");
    for (std::size_t i = 0; i < order.ArraySize(); ++i) {
      const std::string name = order.Element(i).Field("name").String();
      run.methods.push_back(ReadMethod(name, methods.Field(name)));
    }
    if (run.methods.size() != methods.raw().size()) {
      methods.Fail("exactly the methods listed in $.scenario.methods");
    }
    if (run.methods.empty()) methods.Fail("at least one method");
  } catch (const ConfigException& e) {
    return e.error;
  }
  const std::string syncs_file = (fs::path(dir) / results::kSyncsFile).string();
  const auto syncs = ReadText(syncs_file);
  if (!syncs)
    return ConfigError{syncs_file, "",
                       "a results folder's syncs.csv (docs/results.md), found no readable file"};
  if (auto error = ReadSyncs(syncs_file, *syncs, run)) return *error;
  const std::string curves_file = (fs::path(dir) / results::kCurvesFile).string();
  const auto curves = ReadText(curves_file);
  if (!curves)
    return ConfigError{curves_file, "",
                       "a results folder's curves.csv (docs/results.md), found no readable file"};
  if (auto error = ReadCurves(curves_file, *curves, run)) return *error;
  return run;
}

const MethodResult* FindMethod(const RunResults& run, const std::string& name) {
  for (const MethodResult& m : run.methods) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

void LabelRuns(std::vector<RunResults>& runs) {
  std::map<std::string, int> count;
  for (const RunResults& r : runs) ++count[r.label];
  for (RunResults& r : runs) {
    if (count[r.label] > 1) r.label = fs::path(r.dir).lexically_normal().string();
  }
}

}  // namespace locosim::report
