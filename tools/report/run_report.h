// The comparison report of one or more results folders: what was trained and what was
// modelled, a table of every run/method, and figures (loss against virtual time and steps,
// the compute / communication / idle breakdown, the sync latency distribution, the busiest
// links). Series are named "<run label>/<method>".
#pragma once

#include <vector>

#include "tools/report/document.h"
#include "tools/report/run_results.h"

namespace locosim::report {

// REQUIRES: at least one run, each with at least one method.
Document BuildRunReport(const std::vector<RunResults>& runs);

}  // namespace locosim::report
