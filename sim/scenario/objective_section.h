// The "objective" section of a scenario: what the replicas learn. Absent: the data's own
// cross-entropy. {"kind": "dpo", ...}: preference optimisation in DPO rounds with APO's
// extrapolation (docs/scenario.md, "objective"). Read strictly, as the rest of the scenario
// (sim/scenario/scenario_reader.h).
#pragma once

#include "sim/config/json_reader.h"
#include "sim/scenario/scenario.h"

namespace locosim {

// Fails through the reader on an unknown key, a wrong type or a value out of range, and when
// the pairs do not fit the model's context or the model is not a char_transformer on text.
ObjectiveSpec ReadObjectiveSection(const JsonReader& objective, const ModelSpec& model,
                                   const DataSpec& data);

// Fails through `objective` unless its rounds split the run into whole rounds that end at a
// synchronisation of every method (round length a multiple of each method's H).
void CheckRoundsFitMethods(const JsonReader& objective, const Scenario& scenario);

}  // namespace locosim
