// `locosim crosscheck --real --lossy`: the checks of the fluid models' random loss against
// real Linux TCP. Gossip of 64 MB between two replicas over a star at 500 Mbps or 1 Gbps per
// link, 25 ms per link (100 ms round trip), 0.01% or 0.1% loss per link, on 1 and 4 streams:
// flow as the mean over `seeds` loss seeds, ns3 over `seeds` too where this build has it,
// real CUBIC over `real_runs` runs (each a random draw of the kernel's losses). The table
// and what it shows are in docs/algorithms.md ("Loss").
#pragma once

#include "sim/net/network_options.h"

namespace locosim::cli {

// Prints the table (or JSON); exit status 2 where the real backend cannot run here, 1 with
// `check` when flow's median |error| against real CUBIC's mean is above `tolerance`.
int RunRealLossyCrosscheck(const NetworkOptions& options, bool json, bool check, double tolerance,
                           int seeds, int real_runs);

}  // namespace locosim::cli
