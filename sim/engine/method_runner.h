// Runs one method of a scenario to the end of its step budget on one virtual clock: each
// replica computes its inner phase (real steps on the data plane, virtual time from the
// compute model), reaches its sync point, waits for its group, runs the group's collective on
// the network, applies the outer update and goes on. Every replica's time is split into
// compute, communication and idle (waiting for others), which sum to its total.
#pragma once

#include <functional>

#include "sim/config/scenario.h"
#include "sim/engine/data_plane.h"
#include "sim/engine/method_run.h"
#include "sim/net/topology.h"

namespace locosim {

struct MethodRunInput {
  const Scenario& scenario;
  const Topology& topology;  // with at least scenario.replicas replicas
  const MethodSpec& method;
  DataPlane& data;           // fresh: every replica at the same initial weights
  Bytes payload;             // bytes of one model-sized message
  // Called now and then with the fraction of the step budget done, in [0, 1].
  std::function<void(double)> progress;
};

// REQUIRES: the scenario validated (method kind known, H divides the step budget) and the
// backend named by scenario.network.backend exists. Not measured-compute with DDP.
MethodRun RunMethod(const MethodRunInput& input);

}  // namespace locosim
