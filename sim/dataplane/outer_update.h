// The outer updates a method can ask of the data plane, defined once. Their hyper-parameters
// and paper defaults are the data plane's own torch-free structs
// (trainers/include/locosim/outer/outer_config.h), so a default is written in one place; the
// equations are in docs/algorithms.md.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "locosim/outer/outer_config.h"

namespace locosim {

// DiLoCo: the group's mean outer gradient mean_j(φ_j − θ_j), one Nesterov or heavy-ball step
// on φ; θ_i ← φ_i.
using DilocoOuterUpdate = trainers::DilocoOuterConfig;

// NoLoCo: each member's own φ_i and δ_i move with the group's means of θ_j − φ_j and φ_j;
// θ_i ← φ_i.
using NolocoOuterUpdate = trainers::NolocoOuterConfig;

// Local SGD / FedAvg: φ_i ← mean_j θ_j; θ_i ← φ_i.
struct LocalSgdUpdate {};

// One DDP step: every member's gradient on its own batch, averaged; every member's inner
// optimizer steps with the mean. The only update that is itself a training step.
struct DdpUpdate {};

// Streaming DiLoCo, at a fragment's sync step: the member records its outer gradient
// φ_k − θ_k of the fragment's tensors, encoded, as sent for sync `sync_step`.
struct FragmentSendUpdate {
  std::int64_t sync_step = 0;
  std::vector<int> tensors;  // the fragment's parameter tensors, in model order
  trainers::CompressionConfig compression;
  int contributors = 0;  // senders of this sync in all
};

// Streaming DiLoCo, τ steps later: the outer step with the mean of what every contributor
// sent for `sync_step`, on the member's φ and momentum; then θ_k ← α θ_k + (1 − α) φ_k.
struct FragmentMergeUpdate {
  std::int64_t sync_step = 0;
  std::vector<int> tensors;
  DilocoOuterUpdate outer;
  double alpha = 0.5;
};

using OuterUpdate = std::variant<DilocoOuterUpdate, NolocoOuterUpdate, LocalSgdUpdate, DdpUpdate,
                                 FragmentSendUpdate, FragmentMergeUpdate>;

}  // namespace locosim
