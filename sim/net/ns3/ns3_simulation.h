// The ns-3 backend as the factory sees it (sim/backends/network_factory.cc): a clock over
// ns3::Simulator and a packet-level network on it. No ns-3 header is included here.
// Only one ns-3 simulation may exist at a time in a process (see ns3_event_loop.h).
#pragma once

#include <string>

#include "sim/core/config_error.h"
#include "sim/net/network_options.h"
#include "sim/net/simulation.h"
#include "sim/net/topology.h"

namespace locosim {

// Empty if `options` are usable, else what is wrong ("tcp: expected cubic, newreno or bbr").
std::string CheckNs3Options(const NetworkOptions& options);

// An error naming the option if CheckNs3Options fails. Throws std::logic_error if another
// ns-3 simulation exists in this process (a programming error: one at a time).
Result<Simulation> MakeNs3Simulation(const Topology& topology, const NetworkOptions& options);

}  // namespace locosim
