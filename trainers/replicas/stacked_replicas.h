// Replicas stepped in batched kernels (replica_batching "stacked"). A chunk of replicas'
// weights is gathered into [C, ...] leaves, every step is one forward and backward pass over
// the chunk's batches (each replica's own), per-replica clipping and one StackedInnerOptimizer
// step; then weights and optimizer state go back into the replicas, which stay the state that
// outer steps, evaluation and checkpoints read. Private to replicas/.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "locosim/replicas/replica_set.h"

namespace locosim::trainers {

// Working memory one stacked chunk may take, summed over the chunks stepped at once (one per
// worker thread): the gathered weights, gradients and optimizer state, and an estimate of the
// activations of one forward and backward pass.
inline constexpr std::int64_t kStackedWorkingBytes = std::int64_t(1) << 30;  // 1 GiB

// That estimate per replica, in bytes, for `parameters` fp32 weights of config's model.
std::int64_t StackedBytesPerReplica(const TrainerConfig& config, std::int64_t parameters,
                                    std::int64_t classes);

// ReplicaSet::InnerSteps and DdpStep of a stacked set, with the same contracts.
std::vector<double> StackedInnerSteps(ReplicaSet::Impl& set, std::span<const int> replicas,
                                      std::span<const int> steps);
double StackedDdpStep(ReplicaSet::Impl& set, std::span<const int> group);

}  // namespace locosim::trainers
