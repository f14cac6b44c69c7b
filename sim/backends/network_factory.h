// Backends by name. Adding a backend means adding its files and one line in
// network_factory.cc; nothing else names them. The one library that knows which backends
// were built (ns-3 is optional).
#pragma once

#include <string>
#include <vector>

#include "sim/core/config_error.h"
#include "sim/net/network_options.h"
#include "sim/net/simulation.h"
#include "sim/net/topology.h"

namespace locosim {

// The names MakeSimulation accepts, in a fixed order ("analytic", "flow", ...).
std::vector<std::string> BackendNames();

// A fresh simulation of `topology` on `backend`, or why not: an unknown backend name, or
// options that backend cannot honour (the error's path names the option, under
// "$.network").
Result<Simulation> MakeSimulation(const std::string& backend, const Topology& topology,
                                  const NetworkOptions& options = {});

}  // namespace locosim
