// What the engine asks of the training side, in its own terms: no tensors, no torch headers.
// The real implementation wraps trainers/ (tools/glue/torch_data_plane.h); tests use fakes
// with fixed losses. Calls arrive in virtual-time order from event callbacks.
//
// Inner phases are deferred: the engine begins a replica's phase when the replica starts
// computing and finishes it only when a result is needed (an outer update or a snapshot that
// reads the replica, or the end of the run). Between the two nothing reads or writes that
// replica, so the data plane may compute pending phases whenever it likes, and together
// (stacked replicas, another process, a GPU stream); each phase starts from the weights the
// replica had when it began, so causality is exact.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "locosim/eval/eval_result.h"
#include "sim/core/units.h"
#include "sim/dataplane/outer_update.h"

namespace locosim {

// Validation loss, nats, with perplexity (language models) or accuracy (classifiers): the
// data plane's own torch-free struct.
using EvalMetrics = trainers::EvalResult;

// A finished inner phase: the mean training loss of its steps.
struct PhaseResult {
  int replica;
  double loss;
};

class DataPlane {
 public:
  virtual ~DataPlane() = default;

  virtual int replicas() const = 0;
  virtual std::int64_t parameter_count() const = 0;  // per replica
  virtual Bytes model_bytes() const = 0;             // per replica: parameters × element size
  virtual std::string description() const = 0;       // e.g. "char_transformer 2x64, 105k params"
  // Each parameter tensor's shape, in the model's order (sizes compressed messages); empty
  // for a data plane that trains nothing.
  virtual std::vector<std::vector<std::int64_t>> parameter_shapes() const { return {}; }
  // Each parameter tensor's layer in depth, from 0 (Streaming DiLoCo's fragments are strided
  // over layers); empty for a data plane that trains nothing.
  virtual std::vector<int> parameter_layers() const { return {}; }
  // False for a data plane that trains nothing (sim/engine/timing_only_data_plane.h): its
  // losses are NaN and the results say that no model was trained.
  virtual bool trains() const { return true; }

  // Queues `steps` real inner steps of `replica` on its own data stream, from its weights of
  // now. REQUIRES: steps >= 1 and no phase of `replica` pending.
  virtual void BeginInnerSteps(int replica, int steps) = 0;
  // Completes the pending phases of `replicas` (each must have one), and may complete other
  // replicas' pending phases too; returns every phase it completed.
  virtual std::vector<PhaseResult> FinishInnerSteps(std::span<const int> replicas) = 0;

  // Applies `update` to `group` (members in rank order). Returns the members' mean training
  // loss when the update is itself a training step (DdpUpdate), else nullopt.
  // REQUIRES: no member has a pending inner phase.
  virtual std::optional<double> ApplyOuterUpdate(std::span<const int> group,
                                                 const OuterUpdate& update) = 0;

  // Replica failures (sim/engine/method_runner.cc). CopyReplica: `to` takes `from`'s whole
  // training state (weights, outer momentum, inner optimizer state, step count) but its
  // data stream: a replica rejoining from a live peer. ResetToSlowWeights:
  // theta <- phi, a replica restarting its phase from the last synced state.
  // REQUIRES: no pending inner phase of either replica.
  virtual void CopyReplica(int to, int from) = 0;
  virtual void ResetToSlowWeights(int replica) = 0;

  // Adds the replica's current weights to snapshot `id`'s running mean (creating it).
  // REQUIRES: no pending inner phase of `replica`.
  virtual void Snapshot(int id, int replica) = 0;
  // Evaluates the mean weights of snapshot `id` on the validation set and frees it. Reads no
  // replica's weights (and leaves every replica as it was).
  // REQUIRES: at least one Snapshot(id, ...) since the last EvaluateSnapshot(id).
  virtual EvalMetrics EvaluateSnapshot(int id) = 0;

  // Checkpoints (sim/engine/checkpoint_store.h). SaveState writes into the existing, empty
  // folder `dir` everything a fresh data plane of the same scenario needs to continue exactly
  // as this one would: weights, optimizer and data-stream state, phases begun and not yet
  // finished, open snapshots. LoadState, on a fresh data plane, reads it back. Both throw
  // std::runtime_error with a message naming the file on failure; the defaults say that this
  // data plane cannot checkpoint.
  virtual void SaveState(const std::string& dir) const {
    throw std::runtime_error("the " + description() + " data plane cannot save a checkpoint in " +
                             dir);
  }
  virtual void LoadState(const std::string& dir) {
    throw std::runtime_error("the " + description() + " data plane cannot load a checkpoint from " +
                             dir);
  }
};

}  // namespace locosim
