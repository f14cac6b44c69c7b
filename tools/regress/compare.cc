#include "tools/regress/compare.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>

namespace locosim::regress {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

double RelativeChange(double baseline, double current) {
  if (baseline == current) return 0;
  if (baseline == 0)
    return current > 0 ? std::numeric_limits<double>::infinity()
                       : -std::numeric_limits<double>::infinity();
  return (current - baseline) / std::fabs(baseline);
}

std::string Percent(double fraction, bool sign) {
  if (std::isinf(fraction)) return fraction > 0 ? "+inf%" : "-inf%";
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, sign ? "%+.2f%%" : "%.4g%%", 100 * fraction);
  return buffer;
}

std::string Value(double v) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

}  // namespace

ValueKind KindOf(const std::string& name) {
  if (name == "real_time" || name == "cpu_time" || name.rfind("wall_", 0) == 0)
    return ValueKind::kWallTime;
  if (EndsWith(name, "_per_s") || EndsWith(name, "per_second")) return ValueKind::kWallRate;
  return ValueKind::kSimulated;
}

const char* KindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kSimulated:
      return "simulated";
    case ValueKind::kWallTime:
      return "wall time";
    case ValueKind::kWallRate:
      return "wall rate";
  }
  return "?";
}

Comparison Compare(const BenchmarkResults& baseline, const BenchmarkResults& current,
                   const Tolerances& tol) {
  Comparison out;
  std::map<std::string, const BenchmarkRow*> now;
  for (const BenchmarkRow& row : current.rows) now[row.name] = &row;
  std::map<std::string, bool> seen;
  for (const BenchmarkRow& base : baseline.rows) {
    seen[base.name] = true;
    auto it = now.find(base.name);
    if (it == now.end()) {
      out.failures.push_back(
          {Finding::What::kMissingBenchmark, base.name, "", ValueKind::kSimulated});
      continue;
    }
    ++out.benchmarks;
    for (const auto& [name, before] : base.values) {
      const ValueKind kind = KindOf(name);
      const std::optional<double> tolerance =
          kind == ValueKind::kSimulated ? std::optional(tol.simulated) : tol.wall;
      if (!tolerance) continue;
      auto value = it->second->values.find(name);
      if (value == it->second->values.end()) {
        out.failures.push_back({Finding::What::kMissingValue, base.name, name, kind, before});
        continue;
      }
      ++out.values;
      const double after = value->second;
      const double change = RelativeChange(before, after);
      // Costs are worse higher; rates are worse lower.
      const double worsening = kind == ValueKind::kWallRate ? -change : change;
      Finding f{Finding::What::kWorse, base.name, name, kind, before, after, change, *tolerance};
      if (worsening > *tolerance) {
        out.failures.push_back(f);
      } else if (-worsening > *tolerance) {
        f.what = Finding::What::kBetter;
        out.improvements.push_back(f);
      }
    }
  }
  for (const BenchmarkRow& row : current.rows) {
    if (!seen.count(row.name)) out.added.push_back(row.name);
  }
  return out;
}

std::optional<double> ParsePercent(const std::string& text) {
  if (text.size() < 2 || text.back() != '%') return std::nullopt;
  const std::string number = text.substr(0, text.size() - 1);
  char* end = nullptr;
  const double v = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  return v / 100;
}

std::string Describe(const Finding& f) {
  switch (f.what) {
    case Finding::What::kMissingBenchmark:
      return "missing: " + f.benchmark + " is in the baseline but not in the current results";
    case Finding::What::kMissingValue:
      return "missing: " + f.benchmark + "  " + f.value +
             " is in the baseline but not in the current results";
    case Finding::What::kWorse:
    case Finding::What::kBetter:
      return std::string(f.what == Finding::What::kWorse ? "worse: " : "better: ") + f.benchmark +
             "  " + f.value + " (" + KindName(f.kind) + "): " + Value(f.baseline) + " -> " +
             Value(f.current) + " (" + Percent(f.change, true) + ", tolerance " +
             Percent(f.tolerance, false) + ")";
  }
  return "";
}

}  // namespace locosim::regress
