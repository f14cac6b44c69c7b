// The "faults" section of a scenario: scheduled failures, random ones at a mean time
// between failures, and whether an all-reduce waits for the failed or goes on with a quorum
// (docs/algorithms.md, "Replica failures"). Read strictly, as the rest of the scenario
// (sim/scenario/scenario_reader.h).
#pragma once

#include "sim/config/json_reader.h"
#include "sim/scenario/scenario.h"

namespace locosim {

// Fails through the reader on an unknown key, a wrong type or a value out of range.
FaultSpec ReadFaultsSection(const JsonReader& faults, int replicas);

}  // namespace locosim
