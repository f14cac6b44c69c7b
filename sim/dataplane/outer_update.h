// The outer updates a method can ask of the data plane, defined once. Their hyper-parameters
// and paper defaults are the data plane's own torch-free structs
// (trainers/include/locosim/outer/outer_config.h), so a default is written in one place; the
// equations are in docs/algorithms.md.
#pragma once

#include <variant>

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

using OuterUpdate = std::variant<DilocoOuterUpdate, NolocoOuterUpdate, LocalSgdUpdate, DdpUpdate>;

}  // namespace locosim
