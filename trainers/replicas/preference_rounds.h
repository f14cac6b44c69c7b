// When a replica's DPO round ends and what happens then: iterative DPO's new reference and
// APO's extrapolation (docs/algorithms.md, "Preference optimisation"). A round is
// objective.round_steps training steps of the replica's own clock; the next begins at the
// replica's first training step after that, so a round that ends at an outer step begins the
// next from the synchronised weights. Private to replicas/.
#pragma once

#include <cstdint>

#include "locosim/replicas/trainer_config.h"
#include "replicas/replica.h"

namespace locosim::trainers {

// Steps the replica may take before its round ends (after BeginDueRound: at least 1; the
// last round, or a single one, never ends).
std::int64_t StepsLeftInRound(const Replica& replica, const ObjectiveConfig& objective);

// If the replica's round has ended: its weights now are the round's result θ̂_{t+1}; with
// α > 0 they move to θ̂_{t+1} + α·(θ̂_{t+1} − θ̂_t); the slow weights take them too (an outer
// gradient measures training since the round began, not the extrapolation), and they become
// the frozen reference of the new round. The inner optimizer's state carries on.
void BeginDueRound(Replica& replica, const ObjectiveConfig& objective);

// `steps` training steps taken; and the slow weights just written (an outer step), so that a
// reset to them winds the clock back to now.
void AdvanceClock(Replica& replica, std::int64_t steps);
void MarkSync(Replica& replica);

}  // namespace locosim::trainers
