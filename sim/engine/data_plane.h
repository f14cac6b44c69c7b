// What the engine asks of the training side, in its own terms: no tensors, no torch headers.
// The real implementation wraps trainers/ (tools/glue/torch_data_plane.h); tests use a fake
// with fixed losses. Calls arrive in virtual-time order from event callbacks, so a replica's
// state at each call is exactly its state at that virtual moment.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "sim/core/units.h"

namespace locosim {

struct EvalMetrics {
  double loss = 0;                    // mean validation cross-entropy, nats
  std::optional<double> perplexity;   // language models
  std::optional<double> accuracy;     // classifiers, in [0, 1]
};

// DiLoCo's outer step on φ with the group's mean outer gradient (ALGORITHMS.md).
struct DilocoOuterUpdate {
  bool nesterov = true;  // false: heavy-ball
  double lr = 0.7;
  double momentum = 0.9;
};

// NoLoCo's outer step, each member with its own φ_i and δ_i (ALGORITHMS.md).
struct NolocoOuterUpdate {
  double alpha = 0.5;
  double beta = 0.7;
  double gamma = 0.7;
};

class DataPlane {
 public:
  virtual ~DataPlane() = default;

  virtual int replicas() const = 0;
  virtual std::int64_t parameter_count() const = 0;  // per replica
  virtual Bytes model_bytes() const = 0;             // per replica: parameters × element size
  virtual std::string description() const = 0;       // e.g. "char_transformer 2x64, 105k params"
  // False for a data plane that trains nothing (sim/engine/timing_only_data_plane.h): its
  // losses are NaN and the results say that no model was trained.
  virtual bool trains() const { return true; }

  // Runs `steps` real inner steps on replica's own data stream; returns their mean loss.
  virtual double InnerSteps(int replica, int steps) = 0;
  // One DDP step: every member computes its gradient on its own batch, the gradients are
  // averaged and every member's inner optimizer applies the mean. Returns the mean loss.
  virtual double DataParallelStep(std::span<const int> group) = 0;
  virtual void DilocoOuterStep(std::span<const int> group, const DilocoOuterUpdate& update) = 0;
  virtual void NolocoOuterStep(std::span<const int> group, const NolocoOuterUpdate& update) = 0;
  // Local SGD: φ ← mean θ over the group; θ_i ← φ.
  virtual void AverageModels(std::span<const int> group) = 0;

  // Adds the replica's current weights to snapshot `id`'s running mean (creating it).
  virtual void Snapshot(int id, int replica) = 0;
  // Evaluates the mean weights of snapshot `id` on the validation set and frees it.
  // REQUIRES: at least one Snapshot(id, ...) since the last EvaluateSnapshot(id).
  virtual EvalMetrics EvaluateSnapshot(int id) = 0;
};

}  // namespace locosim
