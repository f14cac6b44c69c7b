// The report of a run over several seeds (locosim run --seeds N): means with 95% intervals
// per method and metric, which differences exceed the spread between seeds, and mean loss
// curves with their interval as a band. Reads seeds.json and every seed's results folder.
#pragma once

#include <string>
#include <vector>

#include "sim/core/config_error.h"
#include "tools/report/document.h"
#include "tools/report/run_results.h"

namespace locosim::report {

struct SeedComparison {
  std::string first, second;
  std::vector<std::pair<std::string, bool>> differs;  // metric -> beyond the seeds' spread
};

struct SeedResults {
  std::string dir;
  std::string interval;           // seeds.json's "interval", how it was computed
  std::vector<RunResults> seeds;  // one per seed, in seed order
  std::vector<SeedComparison> comparisons;
};

// True when `dir`/seeds.json exists.
bool IsSeedsFolder(const std::string& dir);

// Fails naming the file and field: seeds.json malformed, a seed folder missing or unreadable.
Result<SeedResults> LoadSeedResults(const std::string& dir);

Document BuildSeedsReport(const SeedResults& results);

}  // namespace locosim::report
