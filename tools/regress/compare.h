// Which benchmark figures got worse between a baseline and a current run.
//
// Every value is one of three kinds, by name:
//   wall time: real_time, cpu_time and counters named wall_*: host time, higher is worse;
//   wall rate: counters ending in _per_s or per_second (items_per_second, transfers_per_s):
//              host throughput, lower is worse;
//   simulated: every other counter: a simulated cost (latency, idle fraction, bytes,
//              completion time), deterministic for a given build, higher is worse.
// Wall values get their own, looser tolerance (or none), since they depend on the machine.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tools/regress/benchmark_results.h"

namespace locosim::regress {

enum class ValueKind { kSimulated, kWallTime, kWallRate };
ValueKind KindOf(const std::string& value_name);
const char* KindName(ValueKind kind);

struct Tolerances {
  double simulated = 0.02;           // relative: 0.02 = 2%
  std::optional<double> wall = 0.5;  // nullopt: wall values are not gated
};

struct Finding {
  enum class What { kWorse, kBetter, kMissingBenchmark, kMissingValue };
  What what;
  std::string benchmark;
  std::string value;  // empty for a missing benchmark
  ValueKind kind = ValueKind::kSimulated;
  double baseline = 0, current = 0;
  double change = 0;  // (current - baseline) / |baseline|; ±inf from a zero baseline
  double tolerance = 0;
};

struct Comparison {
  int benchmarks = 0;                 // in both files
  int values = 0;                     // compared (gated) values
  std::vector<Finding> failures;      // worse beyond tolerance, or missing from current
  std::vector<Finding> improvements;  // better beyond tolerance (the baseline may be stale)
  std::vector<std::string> added;     // benchmarks only in current: reported, not gated
  bool ok() const { return failures.empty(); }
};

// A benchmark (or one of its values) present in the baseline but absent from current is a
// failure: deleting or renaming a benchmark must come with a new baseline, or the gate would
// quietly stop checking it. Ungated wall values (tolerance nullopt) are not compared.
Comparison Compare(const BenchmarkResults& baseline, const BenchmarkResults& current,
                   const Tolerances& tolerances);

// "2%" -> 0.02. nullopt unless a non-negative number followed by '%'.
std::optional<double> ParsePercent(const std::string& text);

// One line per finding, e.g. "worse: BM_X  sync_latency_p99_s (simulated): 1.2 -> 1.236
// (+3.00%, tolerance 2%)".
std::string Describe(const Finding& finding);

}  // namespace locosim::regress
