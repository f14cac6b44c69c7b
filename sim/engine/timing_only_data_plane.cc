#include "sim/engine/timing_only_data_plane.h"

#include <limits>

namespace locosim {
namespace {
constexpr double kAbsent = std::numeric_limits<double>::quiet_NaN();
}  // namespace

std::string TimingOnlyDataPlane::description() const {
  return "nothing (timing only: no model is trained, losses are absent)";
}

std::vector<PhaseResult> TimingOnlyDataPlane::FinishInnerSteps(std::span<const int> replicas) {
  std::vector<PhaseResult> done;
  for (int r : replicas) done.push_back({r, kAbsent});
  return done;
}

std::optional<double> TimingOnlyDataPlane::ApplyOuterUpdate(std::span<const int>,
                                                            const OuterUpdate& update) {
  if (std::holds_alternative<DdpUpdate>(update)) return kAbsent;
  return std::nullopt;
}
EvalMetrics TimingOnlyDataPlane::EvaluateSnapshot(int) {
  return EvalMetrics{kAbsent, std::nullopt, std::nullopt};
}

std::optional<ConfigError> CheckTimingOnly(const Scenario& s) {
  if (!s.payload.bytes && !s.payload.parameters) {
    return ConfigError{
        s.file, "$.payload",
        "a declared payload (\"bytes\" or \"parameters\") for a timing-only run, which trains no "
        "model whose size could be sent; found \"auto\""};
  }
  if (s.compute.measured) {
    return ConfigError{
        s.file, "$.compute.measured",
        "a declared or derived step time for a timing-only run, which has no steps to measure"};
  }
  return std::nullopt;
}

}  // namespace locosim
