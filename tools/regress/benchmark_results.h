// Google Benchmark's JSON output (--benchmark_out_format=json), read into plain rows: for
// each benchmark name, its times and counters. Only what a regression check needs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sim/core/config_error.h"

namespace locosim::regress {

struct BenchmarkRow {
  std::string name;
  // "real_time" and "cpu_time" in seconds, then every user counter (and the library's own
  // bytes_per_second / items_per_second), by name. Bookkeeping fields (iterations,
  // repetitions, threads, indices) are left out.
  std::map<std::string, double> values;
};

// Rows in file order, one per name: repetitions of a benchmark (rows sharing a name) are
// reduced to their median, value by value. Rows of errored runs and the stddev / cv
// aggregates (spreads, not costs) are skipped.
struct BenchmarkResults {
  std::string file;
  std::string context;  // "host_name, N cpus, date" from the context block, for messages
  std::vector<BenchmarkRow> rows;
};

// Fails, naming `file` and the JSON path, on text that is not JSON, a document without a
// "benchmarks" array, or a benchmark whose name, times or counters have the wrong type.
Result<BenchmarkResults> ParseBenchmarkJson(const std::string& text, const std::string& file);
Result<BenchmarkResults> LoadBenchmarkJson(const std::string& file);

}  // namespace locosim::regress
