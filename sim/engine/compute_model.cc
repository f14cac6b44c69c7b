#include "sim/engine/compute_model.h"

#include <cassert>
#include <cmath>

namespace locosim {

double ComputeModel::DerivedStepSeconds(const ComputeSpec& spec) {
  // Forward and backward of a dense transformer: ≈ 6 FLOPs per parameter per token (Kaplan
  // et al. 2020); DPO adds the reference's forward pass, 2 more.
  const double flops =
      spec.flops_per_parameter_token * *spec.target_parameters * spec.tokens_per_step;
  const double rate = spec.accelerator_tflops * 1e12 * spec.mfu * spec.accelerators_per_replica;
  return flops / rate;
}

SimTime ComputeModel::DerivedStepTime(const ComputeSpec& spec) {
  return Seconds(DerivedStepSeconds(spec));
}

ComputeModel::ComputeModel(const ComputeSpec& spec, std::uint64_t seed, int replicas)
    : base_(spec.step_time ? *spec.step_time : DerivedStepTime(spec)),
      sigma_(spec.jitter_sigma),
      slowdown_(spec.straggler_slowdown),
      straggler_(replicas, false) {
  assert(!spec.measured);
  const int stragglers = static_cast<int>(std::ceil(spec.straggler_fraction * replicas - 1e-9));
  Rng pick = Rng::Stream(seed, "stragglers");
  const std::vector<int> order = pick.permutation(replicas);
  for (int i = 0; i < stragglers; ++i) straggler_[order[i]] = true;
  for (int r = 0; r < replicas; ++r) jitter_.push_back(Rng::Stream(seed, "compute_jitter", r));
  for (const auto& [replica, factor] : spec.replica_step_time_factor) {
    if (replica < replicas) pinned_[replica] = factor;
  }
}

double ComputeModel::pinned_factor(int replica) const {
  auto it = pinned_.find(replica);
  return it == pinned_.end() ? 1.0 : it->second;
}

SimTime ComputeModel::NextSteps(int replica, int steps) {
  const double factor = (straggler_[replica] ? slowdown_ : 1.0) * pinned_factor(replica);
  double seconds = 0;
  for (int k = 0; k < steps; ++k) {
    // Mean-one lognormal: exp(σZ − σ²/2).
    const double jitter =
        sigma_ > 0 ? std::exp(sigma_ * jitter_[replica].normal() - sigma_ * sigma_ / 2) : 1.0;
    seconds += base_.seconds() * factor * jitter;
  }
  return Seconds(seconds);
}

}  // namespace locosim
