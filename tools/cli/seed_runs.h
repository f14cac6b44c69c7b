// `locosim run SCENARIO --seeds N`, or a scenario with a "seeds" list: the scenario once per
// seed (its own seed then the next N − 1, or the listed ones), each a complete results folder, and
// an aggregate over seeds (docs/results.md, "Several seeds"): mean, standard deviation and 95%
// interval per method and metric, and whether methods differ by more than the spread between seeds.
#pragma once

#include <optional>
#include <string>

#include "tools/cli/run_pipeline.h"

namespace locosim::cli {

// Writes `out` (which must not exist; default runs/<name>-seeds-<UTC time>) with seed-<s>/
// results folders and seeds.json, all at once: a killed run leaves only its staging folder.
// Prints the table of means ± intervals. Exit status as ExecuteRun's, 3 when a method
// diverged on some seed.
// `count`: --seeds N; nullopt: the scenario's "seeds" list (an error to have both).
int RunSeeds(const RunRequest& request, std::optional<int> count,
             const std::optional<std::string>& out_option);

}  // namespace locosim::cli
