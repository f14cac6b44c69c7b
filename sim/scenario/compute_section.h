// The "compute" section of a scenario: how long a replica's inner step takes (a fixed
// time, a target model on an accelerator, or measured), its jitter, stragglers and pinned
// per-replica multipliers. Read strictly, as the rest of the scenario
// (sim/scenario/scenario_reader.h).
#pragma once

#include "sim/config/json_reader.h"
#include "sim/scenario/scenario.h"

namespace locosim {

// Fails through the reader on an unknown key, a wrong type or a value out of range.
ComputeSpec ReadComputeSection(const JsonReader& compute, int replicas);

}  // namespace locosim
