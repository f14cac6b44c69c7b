// ReplicaSet's state, shared by the files that implement it (training and outer steps in
// replica_set.cc, Streaming DiLoCo in replica_streaming.cc, failures in replica_failures.cc,
// checkpoints in replica_checkpoint.cc). Private to replicas/.
#pragma once

#include <torch/nn/modules/container/any.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "locosim/data/dataset.h"
#include "locosim/outer/streaming_diloco.h"
#include "locosim/replicas/replica_set.h"
#include "replicas/replica.h"

namespace locosim::trainers {

struct ReplicaSet::Impl {
  TrainerConfig config;
  torch::Device device;
  std::shared_ptr<const Dataset> data;
  std::vector<Replica> replicas;     // this rank's slice: replica slice.first + i at [i]
  int total = 0;                     // replicas on every rank
  std::shared_ptr<RankGroup> ranks;  // null: one process holds them all
  ReplicaSlice slice;
  torch::nn::AnyModule mean_model;  // scratch model that EvaluateMean loads the mean into
  std::vector<Batch> validation;    // the fixed evaluation subset, on `device`
  // replica_batching resolved: step pending replicas in batched kernels (stacked_replicas.h).
  bool stacked = false;
  std::vector<std::string> parameter_names;    // the model's, in parameter order
  std::int64_t stacked_bytes_per_replica = 1;  // StackedBytesPerReplica
  FragmentExchange fragments;                  // Streaming DiLoCo's syncs in flight

  bool sharded() const { return ranks != nullptr && ranks->world_size() > 1; }
  bool owns(int replica) const { return slice.contains(replica); }
  int owner(int replica) const;
  // An owned replica; throws TrainerError for one out of range or on another rank.
  Replica& at(int replica);
  const Replica& at(int replica) const;
  // `group` validated: non-empty, in range, no repeats. Throws TrainerError.
  void CheckGroup(std::span<const int> group) const;
  // The owned members of `group` (validated), in group order.
  std::vector<Replica*> members(std::span<const int> group);
  // The owned replicas among `group`, in group order.
  std::vector<int> owned(std::span<const int> group) const;
  // Threads that train replicas at once (parallel_replicas.h).
  std::size_t workers() const;
};

}  // namespace locosim::trainers
