// Virtual time is int64 nanoseconds: about 292 years. A typo such as "1bps" for 1Gbps would
// overflow it in a run of a few rounds, and wrap silently into nonsense. This check bounds a
// run's virtual time from above before anything runs, and refuses a scenario whose bound
// leaves the range, naming the field that made it so.
#pragma once

#include <optional>

#include "sim/core/config_error.h"
#include "sim/net/topology.h"
#include "sim/scenario/scenario.h"

namespace locosim {

// The most virtual time a run may take: a tenth of SimTime's range (29 years), so that the
// bound below may be loose.
inline constexpr double kMaxVirtualSeconds = 9.2e8;

// An upper bound of the virtual time of the scenario's longest method, in seconds: every
// round's compute (declared or derived step time, stragglers' slowdown, jitter's mean) plus
// a sync in which every replica's messages (4 payloads: NoLoCo's φ and Δ both ways, a
// ring's two passes) cross the slowest link (at TCP's loss response on the worst path) one
// after another, and each of a ring's steps pays TCP's start-up over the longest round trip.
// Measured compute is left out (unknown before the run).
double VirtualSecondsBound(const Scenario& scenario, const Topology& topology, Bytes payload);

// An error naming $.network (or $.compute, or $.total_steps) when the bound exceeds
// kMaxVirtualSeconds.
std::optional<ConfigError> CheckVirtualTimeFits(const Scenario& scenario, const Topology& topology,
                                                Bytes payload);

}  // namespace locosim
