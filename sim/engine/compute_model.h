// Virtual time of inner steps: declared, or derived from the FLOPs of a target model, with
// per-step lognormal jitter and a fixed set of stragglers. Each replica draws from its own
// stream in step order, so every method sees the same step times for the same replica and
// step index, whatever its H.
#pragma once

#include <map>
#include <vector>

#include "sim/core/rng.h"
#include "sim/scenario/scenario.h"

namespace locosim {

class ComputeModel {
 public:
  // REQUIRES: spec has step_time or target_parameters (not `measured`).
  ComputeModel(const ComputeSpec& spec, std::uint64_t seed, int replicas);

  // The base time of one step before jitter and straggling.
  SimTime base_step_time() const { return base_; }
  bool is_straggler(int replica) const { return straggler_[replica]; }
  // compute.replica_step_time_factor's multiplier for `replica` (1 when not named).
  double pinned_factor(int replica) const;
  // Virtual time of replica's next `steps` steps (consumes their draws).
  SimTime NextSteps(int replica, int steps);

  // The derived step time of a target model: 6·P·tokens FLOPs (DPO: 8) over the accelerators.
  static SimTime DerivedStepTime(const ComputeSpec& spec);
  // The same in seconds as a double, which cannot overflow (sim/engine/time_budget.h).
  static double DerivedStepSeconds(const ComputeSpec& spec);

 private:
  SimTime base_;
  double sigma_;
  double slowdown_;
  std::vector<bool> straggler_;
  std::vector<Rng> jitter_;
  std::map<int, double> pinned_;
};

}  // namespace locosim
