// `locosim crosscheck --real`: small canonical cases on real Linux TCP (the real backend,
// sim/net/real/real_simulation.h: kernel TCP through an emulated WAN, as root) beside the
// flow and ns3 backends: stars of 4 and 6 replicas at 100 Mbps and 1 Gbps, 5 and 20 ms per
// link, gossip and ring, 8 and 48 MB, loss-free; real TCP with CUBIC and, where the kernel
// has it, BBR. The table and the agreement it measures are in docs/real_backend.md.
#pragma once

#include "sim/net/network_options.h"

namespace locosim::cli {

// Prints the table (or JSON); exit status 2 where the real backend cannot run here, 1 with
// `check` when flow's median |error| against real CUBIC is above `tolerance`.
int RunRealCrosscheck(const NetworkOptions& options, bool json, bool check, double tolerance);

}  // namespace locosim::cli
