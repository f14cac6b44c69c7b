// What both real-backend crosschecks (tools/cli/real_crosscheck.h, real_lossy_crosscheck.h)
// share: one collective's completion on a backend, and the table's cells.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "sim/collectives/collective_by_name.h"
#include "sim/core/config_error.h"
#include "sim/net/simulation.h"

namespace locosim::cli {

// The collective's completion in seconds on `sim`, or nothing if the backend refused or the
// network stalled (a real run past its deadline).
inline std::optional<double> CollectiveSeconds(Result<Simulation> sim, const Topology& topology,
                                               const CollectiveSpec& spec) {
  if (!sim) return std::nullopt;
  const std::vector<NodeIndex> nodes(topology.replicas.begin(), topology.replicas.end());
  const CollectiveOutcome out = RunCollective(*sim, nodes, spec);
  if (out.stall) return std::nullopt;
  return out.completion.seconds();
}

// Seconds with `decimals` digits, or "-".
inline std::string SecondsCell(const std::optional<double>& v, int decimals) {
  char text[32] = "-";
  if (v) std::snprintf(text, sizeof text, "%.*f", decimals, *v);
  return text;
}

// (a - b) / b in percent with its sign, or "-".
inline std::string ErrorCell(const std::optional<double>& a, const std::optional<double>& b) {
  char text[32] = "-";
  if (a && b) std::snprintf(text, sizeof text, "%+.1f", 100 * (*a - *b) / *b);
  return text;
}

inline double Worst(const std::vector<double>& errors) {
  return errors.empty() ? NAN : *std::max_element(errors.begin(), errors.end());
}

}  // namespace locosim::cli
