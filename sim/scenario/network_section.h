// The "network" section of a scenario: backend, topology file or generator, overrides of
// every link, TCP's behaviours and the ns3 backend's own settings. Read strictly, as the
// rest of the scenario (sim/scenario/scenario_reader.h).
#pragma once

#include "sim/config/json_reader.h"
#include "sim/scenario/scenario.h"

namespace locosim {

// Fails through the reader on an unknown key, a wrong type or a value out of range.
NetworkSpec ReadNetworkSection(const JsonReader& network);

}  // namespace locosim
