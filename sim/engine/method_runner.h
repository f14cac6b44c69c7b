// Runs one method of a scenario to the end of its step budget on one virtual clock: each
// replica computes its inner phase (real steps on the data plane, virtual time from the
// compute model), reaches its sync point, and the method decides what happens there
// (sim/methods/method.h). The runner is the method's SyncHost: it keeps every replica's
// time split into compute, communication and idle (waiting for others), which sum to its
// total, and it defers inner phases (sim/dataplane/data_plane.h) until a result is needed.
#pragma once

#include <functional>
#include <string>
#include <variant>

#include "sim/core/config_error.h"
#include "sim/dataplane/data_plane.h"
#include "sim/net/topology.h"
#include "sim/record/method_run.h"
#include "sim/scenario/scenario.h"

namespace locosim {

struct MethodRunInput {
  const Scenario& scenario;
  const Topology& topology;  // with at least scenario.replicas replicas
  const MethodSpec& method;
  DataPlane& data;  // fresh: every replica at the same initial weights
  Bytes payload;    // bytes of one model-sized message
  // Called now and then with the fraction of the step budget done, in [0, 1].
  std::function<void(double)> progress;
  // Called, if set, each time the replicas have completed another `checkpoint_every_rounds`
  // rounds between them (n × K replica-rounds, so every K rounds when they keep pace),
  // between two data-plane calls, and never after the last round (sim/engine/checkpoint_store.h).
  int checkpoint_every_rounds = 0;
  std::function<void()> checkpoint;
};

// What stopped a run before its end: the backend refused its options, its watchdog found
// the network stalled (the message names the stuck transfers), or a checkpoint could not be
// written or read (sim/engine/checkpoint_store.h).
struct RunFailure {
  enum class Kind { kBadNetworkOptions, kNetworkStalled, kCheckpoint };
  Kind kind;
  std::string message;
};

using MethodRunResult = std::variant<MethodRun, RunFailure>;

// REQUIRES: the scenario validated (method kind known, H divides the step budget). Not
// measured compute with a method that trains at the sync (DDP).
MethodRunResult RunMethod(const MethodRunInput& input);

}  // namespace locosim
