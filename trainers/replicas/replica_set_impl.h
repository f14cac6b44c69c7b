// ReplicaSet's state, shared by the files that implement it (training and outer steps in
// replica_set.cc, checkpoints in replica_checkpoint.cc). Private to replicas/.
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
  std::vector<Replica> replicas;
  torch::nn::AnyModule mean_model;  // scratch model that EvaluateMean loads the mean into
  std::vector<Batch> validation;    // the fixed evaluation subset, on `device`
  // replica_batching resolved: step pending replicas in batched kernels (stacked_replicas.h).
  bool stacked = false;
  std::vector<std::string> parameter_names;    // the model's, in parameter order
  std::int64_t stacked_bytes_per_replica = 1;  // StackedBytesPerReplica
  FragmentExchange fragments;                  // Streaming DiLoCo's syncs in flight

  Replica& at(int replica);
  const Replica& at(int replica) const;
  // The members of `group`, validated: non-empty, in range, no repeats. Throws TrainerError.
  std::vector<Replica*> members(std::span<const int> group);
  // Threads that train replicas at once (parallel_replicas.h).
  std::size_t workers() const;
};

}  // namespace locosim::trainers
