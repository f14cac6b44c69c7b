// A data plane that trains nothing, for runs that measure only communication cost: the
// engine still asks it for every inner phase, outer update and evaluation (so the schedule,
// groups and transfers are exactly those of a training run), and it answers at once with no
// tensors. Losses and evaluations are NaN, which the results files write as absent.
// Deterministic: it holds no state that could reach a result.
#pragma once

#include <optional>

#include "sim/core/config_error.h"
#include "sim/dataplane/data_plane.h"
#include "sim/scenario/scenario.h"

namespace locosim {

class TimingOnlyDataPlane final : public DataPlane {
 public:
  explicit TimingOnlyDataPlane(int replicas) : replicas_(replicas) {}

  int replicas() const override { return replicas_; }
  std::int64_t parameter_count() const override { return 0; }
  Bytes model_bytes() const override { return Bytes(0); }
  std::string description() const override;
  bool trains() const override { return false; }

  void BeginInnerSteps(int, int) override {}
  std::vector<PhaseResult> FinishInnerSteps(std::span<const int> replicas) override;
  std::optional<double> ApplyOuterUpdate(std::span<const int> group,
                                         const OuterUpdate& update) override;
  void CopyReplica(int, int) override {}
  void ResetToSlowWeights(int) override {}
  void Snapshot(int, int) override {}
  EvalMetrics EvaluateSnapshot(int id) override;
  // Nothing to save: a marker file says whose checkpoint it is.
  void SaveState(const std::string& dir) const override;
  void LoadState(const std::string& dir) override;

 private:
  int replicas_;
};

// Why `scenario` cannot run timing-only, or nullopt. With nothing trained there is no model
// size to send (the payload must be declared: payload.bytes or payload.parameters) and no
// step to time (compute.measured is refused).
std::optional<ConfigError> CheckTimingOnly(const Scenario& scenario);

}  // namespace locosim
