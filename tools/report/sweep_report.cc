#include "tools/report/sweep_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>

#include "tools/report/format.h"

namespace locosim::report {
namespace {

std::string CsvCell(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string CsvNumber(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.9g", v);
  return buffer;
}

std::string CsvOptional(std::optional<double> v) { return v ? CsvNumber(*v) : ""; }

std::vector<std::string> MethodNames(const SweepResults& s) {
  std::vector<std::string> names;
  for (const SweepPoint& p : s.points) {
    for (const MethodResult& m : p.run.methods) {
      if (std::find(names.begin(), names.end(), m.name) == names.end()) names.push_back(m.name);
    }
  }
  return names;
}

// One y value of a method at a point; nullopt leaves a gap.
using Metric = std::function<std::optional<double>(const MethodResult&)>;

struct Line {
  std::string suffix;  // " p99" for the dashed companion line
  Metric metric;
  bool dashed;
};

// A method's results at a point, compared to tell whether a field changes them.
std::vector<double> Signature(const MethodResult& m) {
  return {m.final_eval_loss.value_or(NAN),
          m.time_to_target_s.value_or(NAN),
          m.virtual_time_s,
          m.idle_mean,
          m.idle_p99,
          m.sync_p50_s,
          m.sync_p99_s,
          m.bytes_sent};
}

bool SameSignature(const std::vector<double>& x, const std::vector<double>& y) {
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i])))) return false;
  }
  return true;
}

// Whether axis `b` leaves method `method` (the scenario's methods[index]) untouched: its path
// names another method ("methods[1].group_size"), or the method's results are identical at
// every value of `b` with the other axes held fixed (DDP's results do not depend on H).
bool AxisInert(const SweepResults& s, std::size_t b, const std::string& method, int index) {
  const std::string& path = s.axes[b].path;
  if (path.rfind("methods[", 0) == 0) {
    const std::string named = path.substr(8, path.find(']') - 8);
    if (named != std::to_string(index)) return true;
  }
  std::map<std::string, std::vector<double>> first;
  for (const SweepPoint& p : s.points) {
    std::string others;
    for (std::size_t c = 0; c < s.axes.size(); ++c) {
      if (c != b) others += p.point.values[c] + "\x1f";
    }
    const MethodResult* m = FindMethod(p.run, method);
    if (!m) continue;
    auto [it, inserted] = first.try_emplace(others, Signature(*m));
    if (!inserted && !SameSignature(it->second, Signature(*m))) return false;
  }
  return true;
}

// Lines against axis `a`: one per method and per combination of the other axes' values
// that change its results. A method keeps its color in every figure; the lines of one
// method for different values of the other axes differ by marker.
Figure AgainstAxis(const SweepResults& s, std::size_t a, const std::string& id,
                   const std::string& title, const std::string& y_label, const std::string& caption,
                   const std::vector<Line>& lines) {
  LineChart c;
  c.x_label = s.axes[a].path;
  c.y_label = y_label;
  c.x_categories = s.axes[a].values;
  c.y_from_zero = true;
  std::string merged;
  const std::vector<std::string> methods = MethodNames(s);
  for (std::size_t method_index = 0; method_index < methods.size(); ++method_index) {
    const std::string& method = methods[method_index];
    int scenario_index = -1;
    for (std::size_t i = 0; i < s.points.front().run.methods.size(); ++i) {
      if (s.points.front().run.methods[i].name == method) scenario_index = static_cast<int>(i);
    }
    std::vector<bool> inert(s.axes.size(), false);
    for (std::size_t b = 0; b < s.axes.size(); ++b) {
      if (b == a || !AxisInert(s, b, method, scenario_index)) continue;
      inert[b] = true;
      merged += (merged.empty() ? "" : "; ") + method + " does not depend on " + s.axes[b].path;
    }
    // Group points by the other axes' values that matter to this method, keeping grid
    // order; of points that differ only in inert axes, the first stands for all.
    std::vector<std::string> keys;
    std::map<std::string, std::vector<const SweepPoint*>> groups;
    for (const SweepPoint& p : s.points) {
      std::string key;
      for (std::size_t b = 0; b < s.axes.size(); ++b) {
        if (b != a && !inert[b])
          key += (key.empty() ? "" : ", ") + s.axes[b].path + "=" + p.point.values[b];
      }
      if (!groups.count(key)) keys.push_back(key);
      std::vector<const SweepPoint*>& group = groups[key];
      const bool seen = std::any_of(group.begin(), group.end(), [&](const SweepPoint* q) {
        return q->point.values[a] == p.point.values[a];
      });
      if (!seen) group.push_back(&p);
    }
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const std::string& key = keys[k];
      for (const Line& line : lines) {
        // A dashed companion (p99) shares its solid line's color, marker and legend entry.
        Series series{
            method + (key.empty() ? "" : " (" + key + ")") + (line.dashed ? line.suffix : ""),
            {},
            static_cast<int>(method_index),
            line.dashed,
            !line.dashed,
            {},
            static_cast<int>(k)};
        for (const SweepPoint* p : groups[key]) {
          const auto x =
              std::find(c.x_categories.begin(), c.x_categories.end(), p->point.values[a]);
          const MethodResult* m = FindMethod(p->run, method);
          if (!m) continue;
          if (auto y = line.metric(*m))
            series.points.push_back({static_cast<double>(x - c.x_categories.begin()), *y});
        }
        c.series.push_back(std::move(series));
      }
    }
  }
  return {
      id, title,
      caption + (merged.empty() ? "" : " One line where a field does not apply: " + merged + "."),
      c};
}

std::string AxisId(std::size_t a) { return "axis" + std::to_string(a); }

}  // namespace

Document BuildSweepReport(const SweepResults& s) {
  Document doc;
  doc.title = "locosim sweep: " + (s.points.empty() ? s.scenario : s.points.front().run.name);
  auto add_figure = [&doc](Figure f) {
    doc.figures.push_back(std::move(f));
    doc.blocks.push_back(FigureRef{doc.figures.size() - 1});
  };
  std::string varied;
  for (const sweep::Axis& axis : s.axes) {
    std::string values;
    for (const std::string& v : axis.values) values += (values.empty() ? "" : ", ") + v;
    varied += (varied.empty() ? "" : "; ") + axis.path + " = " + values;
  }
  std::string sets;
  for (const std::string& set : s.sets) sets += " --set " + set;
  doc.blocks.push_back(Paragraph{"Scenario " + s.scenario + sets + ", varied: " + varied + " (" +
                                     std::to_string(s.points.size()) + " runs).",
                                 false});
  doc.blocks.push_back(
      Paragraph{"Losses come from the small model that was really trained (the proxy); times, idle "
                "fractions, latencies and "
                "bytes from what was modelled (payload, compute time per step, simulated network). "
                "Each point's own "
                "report (locosim report FOLDER) states both in full.",
                true});

  const bool any_target = std::any_of(s.points.begin(), s.points.end(), [](const SweepPoint& p) {
    return std::any_of(p.run.methods.begin(), p.run.methods.end(),
                       [](const MethodResult& m) { return m.time_to_target_s.has_value(); });
  });
  for (std::size_t a = 0; a < s.axes.size(); ++a) {
    const std::string& path = s.axes[a].path;
    doc.blocks.push_back(Heading{2, "Against " + path});
    add_figure(AgainstAxis(
        s, a, AxisId(a) + "_sync_latency", "Sync latency against " + path, "sync latency (s)",
        "p50 over sync events (solid) and p99 (dashed, same color).",
        {{" p50", [](const MethodResult& m) { return std::optional(m.sync_p50_s); }, false},
         {" p99", [](const MethodResult& m) { return std::optional(m.sync_p99_s); }, true}}));
    add_figure(AgainstAxis(
        s, a, AxisId(a) + "_idle", "Idle fraction against " + path, "idle fraction",
        "Mean over replicas (solid) and p99 (dashed, same color) of idle time over total time.",
        {{" mean", [](const MethodResult& m) { return std::optional(m.idle_mean); }, false},
         {" p99", [](const MethodResult& m) { return std::optional(m.idle_p99); }, true}}));
    if (any_target) {
      add_figure(AgainstAxis(
          s, a, AxisId(a) + "_time_to_target", "Time to target against " + path,
          "time to target loss (s)",
          "Virtual time of the first evaluation at or below target_loss; a gap where it was "
          "not reached.",
          {{"", [](const MethodResult& m) { return m.time_to_target_s; }, false}}));
    } else {
      doc.blocks.push_back(
          Paragraph{"Time to target: no run reached a target loss (none set, timing only, or "
                    "not reached), so there is nothing to plot.",
                    false});
    }
  }

  doc.blocks.push_back(Heading{2, "Every point"});
  Table t;
  t.header = {"point"};
  for (const sweep::Axis& axis : s.axes) t.header.push_back(axis.path);
  for (const char* h : {"method", "final eval loss", "time to target", "idle mean", "idle p99",
                        "sync p50", "sync p99", "bytes sent"}) {
    t.header.push_back(h);
  }
  t.numeric.assign(t.header.size(), true);
  t.numeric[0] = false;
  t.numeric[s.axes.size() + 1] = false;
  for (const SweepPoint& p : s.points) {
    for (const MethodResult& m : p.run.methods) {
      std::vector<std::string> row = {p.point.folder};
      for (const std::string& v : p.point.values) row.push_back(v);
      for (const std::string& cell :
           {m.name, FormatLoss(m.final_eval_loss), FormatOptionalSeconds(m.time_to_target_s, "-"),
            FormatFraction(m.idle_mean), FormatFraction(m.idle_p99), FormatSeconds(m.sync_p50_s),
            FormatSeconds(m.sync_p99_s), FormatBytes(m.bytes_sent)}) {
        row.push_back(cell);
      }
      t.rows.push_back(std::move(row));
    }
  }
  doc.blocks.push_back(t);
  return doc;
}

std::string SweepCsv(const SweepResults& s) {
  std::string csv = "point,folder";
  for (const sweep::Axis& axis : s.axes) csv += "," + CsvCell(axis.path);
  csv +=
      ",method,kind,final_eval_loss,time_to_target_s,virtual_time_s,idle_fraction_mean,idle_"
      "fraction_p50,"
      "idle_fraction_p99,sync_latency_mean_s,sync_latency_p50_s,sync_latency_p99_s,bytes_sent_"
      "total\n";
  for (const SweepPoint& p : s.points) {
    for (const MethodResult& m : p.run.methods) {
      csv += std::to_string(p.point.index) + "," + CsvCell(p.point.folder);
      for (const std::string& v : p.point.values) csv += "," + CsvCell(v);
      csv += "," + CsvCell(m.name) + "," + CsvCell(m.kind) + "," + CsvOptional(m.final_eval_loss) +
             "," + CsvOptional(m.time_to_target_s) + "," + CsvNumber(m.virtual_time_s) + "," +
             CsvNumber(m.idle_mean) + "," + CsvNumber(m.idle_p50) + "," + CsvNumber(m.idle_p99) +
             "," + CsvNumber(m.sync_mean_s) + "," + CsvNumber(m.sync_p50_s) + "," +
             CsvNumber(m.sync_p99_s) + "," + CsvNumber(m.bytes_sent) + "\n";
    }
  }
  return csv;
}

}  // namespace locosim::report
