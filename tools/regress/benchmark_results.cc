#include "tools/regress/benchmark_results.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/config/json_reader.h"

namespace locosim::regress {
namespace {

// Numeric fields that describe how a benchmark ran, not what it measured.
const std::set<std::string> kBookkeeping = {"family_index", "per_family_instance_index",
                                            "repetitions",  "repetition_index",
                                            "threads",      "iterations"};

double SecondsPerUnit(const JsonReader& unit) {
  const std::string u = unit.String();
  if (u == "ns") return 1e-9;
  if (u == "us") return 1e-6;
  if (u == "ms") return 1e-3;
  if (u == "s") return 1.0;
  unit.Fail("a time unit \"ns\", \"us\", \"ms\" or \"s\", found \"" + u + "\"");
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// One benchmark object's values, or nothing for a row to skip.
std::optional<BenchmarkRow> ReadRow(const JsonReader& b) {
  b.ExpectObject();
  BenchmarkRow row{b.Field("name").String(), {}};
  if (auto e = b.OptionalField("error_occurred"); e && e->Boolean()) return std::nullopt;
  if (auto a = b.OptionalField("aggregate_name")) {
    const std::string aggregate = a->String();
    if (aggregate == "stddev" || aggregate == "cv") return std::nullopt;
  }
  const double unit = b.Has("time_unit") ? SecondsPerUnit(b.Field("time_unit")) : 1e-9;
  for (const char* time : {"real_time", "cpu_time"}) {
    row.values[time] = b.Field(time).Number() * unit;
  }
  for (const auto& [key, value] : b.raw().items()) {
    if (key == "real_time" || key == "cpu_time" || kBookkeeping.count(key)) continue;
    if (value.is_number()) row.values[key] = value.get<double>();
    // Strings (name, run_name, label, units) and booleans are descriptions, not values.
  }
  return row;
}

std::string Context(const nlohmann::json& doc) {
  if (!doc.contains("context") || !doc["context"].is_object()) return "";
  const nlohmann::json& c = doc["context"];
  auto text = [&](const char* key) {
    return c.contains(key) && c[key].is_string() ? c[key].get<std::string>() : "";
  };
  std::string out = text("host_name");
  // dump() rather than get<int>(): a count of 1e30 would not fit, and this is only a label.
  if (c.contains("num_cpus") && c["num_cpus"].is_number_integer())
    out += ", " + c["num_cpus"].dump() + " cpus";
  if (!text("date").empty()) out += ", " + text("date");
  return out;
}

}  // namespace

Result<BenchmarkResults> ParseBenchmarkJson(const std::string& text, const std::string& file) {
  try {
    const nlohmann::json doc = ParseJsonText(text, file);
    const JsonReader root(doc, file);
    root.ExpectObject();
    const JsonReader list = root.Field("benchmarks");
    BenchmarkResults results{file, Context(doc), {}};
    std::map<std::string, std::vector<BenchmarkRow>> by_name;
    std::vector<std::string> order;
    for (std::size_t i = 0; i < list.ArraySize(); ++i) {
      auto row = ReadRow(list.Element(i));
      if (!row) continue;
      if (!by_name.count(row->name)) order.push_back(row->name);
      by_name[row->name].push_back(std::move(*row));
    }
    for (const std::string& name : order) {
      const std::vector<BenchmarkRow>& reps = by_name[name];
      BenchmarkRow merged{name, {}};
      for (const auto& [key, _] : reps.front().values) {
        std::vector<double> samples;
        for (const BenchmarkRow& r : reps) {
          if (auto it = r.values.find(key); it != r.values.end()) samples.push_back(it->second);
        }
        merged.values[key] = Median(samples);
      }
      results.rows.push_back(std::move(merged));
    }
    return results;
  } catch (const ConfigException& e) {
    return e.error;
  }
}

Result<BenchmarkResults> LoadBenchmarkJson(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return ConfigError{
        file, "",
        "a readable Google Benchmark JSON file (--benchmark_out_format=json), found none"};
  std::ostringstream text;
  text << in.rdbuf();
  return ParseBenchmarkJson(text.str(), file);
}

}  // namespace locosim::regress
