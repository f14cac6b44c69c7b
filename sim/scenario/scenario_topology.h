// The network a scenario names: its topology file or its generator, with the scenario's
// overrides applied.
#pragma once

#include "sim/core/config_error.h"
#include "sim/net/topology.h"
#include "sim/scenario/scenario.h"

namespace locosim {

// At least scenario.replicas replicas (the first ones are used); an error names the file
// and field when the topology cannot be loaded or is too small.
Result<Topology> BuildScenarioTopology(const Scenario& scenario);

}  // namespace locosim
