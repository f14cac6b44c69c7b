// A training method, as the engine sees it: how many inner steps between syncs, which
// replicas sync together in each round, what they send, and which outer update they apply
// once all have arrived. One small class per method; ALGORITHMS.md has their equations.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "sim/collectives/collective_by_name.h"
#include "sim/config/scenario.h"
#include "sim/engine/data_plane.h"

namespace locosim {

class Method {
 public:
  virtual ~Method() = default;

  // Inner steps each replica runs between syncs (H; 1 for DDP).
  virtual int inner_steps() const = 0;
  // False when the data plane's step happens at the sync itself (DDP).
  virtual bool trains_between_syncs() const { return true; }
  // Whether a round's groups include every replica (a global barrier).
  virtual bool global_barrier() const { return true; }
  // The replicas that sync together in `round` (0-based): a partition of 0..N-1.
  virtual std::vector<std::vector<int>> Groups(int round) const = 0;
  // What each group runs; `bytes` is per replica.
  virtual CollectiveSpec Collective(int round) const = 0;
  // Applies the outer update to the group once every member has arrived. Returns the mean
  // training loss when the update is itself a training step (DDP).
  virtual std::optional<double> Update(DataPlane& data, std::span<const int> group) const = 0;
};

// REQUIRES: spec.kind is one of diloco, noloco, ddp, local_sgd (the scenario parser checks).
// `payload` is the bytes of one model-sized message.
std::unique_ptr<Method> MakeMethod(const MethodSpec& spec, const Scenario& scenario, Bytes payload);

}  // namespace locosim
