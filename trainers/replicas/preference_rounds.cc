#include "replicas/preference_rounds.h"

#include <limits>

#include "locosim/preference/dpo.h"

namespace locosim::trainers {

std::int64_t StepsLeftInRound(const Replica& replica, const ObjectiveConfig& objective) {
  const PreferenceRound& p = *replica.preference;
  if (objective.round_steps == 0 || p.round + 1 >= objective.rounds)
    return std::numeric_limits<std::int64_t>::max();
  return (p.round + 1) * objective.round_steps - p.clock;
}

void BeginDueRound(Replica& replica, const ObjectiveConfig& objective) {
  if (StepsLeftInRound(replica, objective) > 0) return;
  PreferenceRound& p = *replica.preference;
  torch::NoGradGuard no_grad;
  if (objective.apo_alpha > 0) {
    std::vector<torch::Tensor> result;  // θ̂_{t+1}, kept for the next round's extrapolation
    for (const torch::Tensor& w : replica.theta) result.push_back(w.detach().clone());
    ApoExtrapolate(replica.theta, p.previous_result, objective.apo_alpha);
    p.previous_result = std::move(result);
  }
  for (std::size_t k = 0; k < replica.theta.size(); ++k) {
    replica.phi[k].copy_(replica.theta[k]);
    p.reference_weights[k].copy_(replica.theta[k]);
  }
  ++p.round;
  p.clock_at_sync = p.clock;
}

void AdvanceClock(Replica& replica, std::int64_t steps) { replica.preference->clock += steps; }

void MarkSync(Replica& replica) {
  if (replica.preference) replica.preference->clock_at_sync = replica.preference->clock;
}

}  // namespace locosim::trainers
