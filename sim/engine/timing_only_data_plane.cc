#include "sim/engine/timing_only_data_plane.h"

#include <fstream>
#include <limits>
#include <stdexcept>

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
  return EvalMetrics{kAbsent, std::nullopt, std::nullopt, std::nullopt};
}

void TimingOnlyDataPlane::SaveState(const std::string& dir) const {
  std::ofstream out(dir + "/timing_only.txt");
  out << replicas_ << " replicas, nothing trained\n";
  if (!out) throw std::runtime_error("cannot write " + dir + "/timing_only.txt");
}

void TimingOnlyDataPlane::LoadState(const std::string& dir) {
  std::ifstream in(dir + "/timing_only.txt");
  int replicas = 0;
  if (!(in >> replicas) || replicas != replicas_) {
    throw std::runtime_error(dir + " is not a checkpoint of a timing-only run of " +
                             std::to_string(replicas_) + " replicas");
  }
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
