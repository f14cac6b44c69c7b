// R replicas of one model trained in one process: the data plane's interface to the engine.
// Each replica owns its fast weights theta (the live model), slow weights phi, outer momentum,
// inner optimizer state (kept across outer steps, never reset or averaged), data stream and
// step count. All start from the same seeded initial weights. Nothing here knows what time it
// is: the engine decides when a replica trains and which peers an outer step combines.
//
// A set may be sharded over ranks (locosim/distributed/rank_group.h): each rank builds only its
// slice of the replicas (SliceOf), every rank makes the same calls in the same order, and each
// call gives every rank the same result, equal bit for bit to a one-process set's. Outer
// updates and DDP steps whose group spans ranks receive copies of the other ranks' members
// and compute exactly what one process would; the owner's update is the one kept.
//
// This header is torch-free, so control-plane code can hold a ReplicaSet without torch.
// Errors (bad config, missing data, bad group, unreadable checkpoint) throw TrainerError.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "locosim/distributed/rank_group.h"
#include "locosim/eval/eval_result.h"
#include "locosim/outer/outer_config.h"
#include "locosim/replicas/trainer_config.h"
#include "locosim/trainers/error.h"

namespace at {
class Tensor;  // torch::Tensor; only the optional torch view below names it
}

namespace locosim::trainers {

class ReplicaSet {
 public:
  // Validates `config`, loads its data, builds `replicas` identical models on its device and
  // sets torch's intra-operation thread count (process-wide) to 1: parallelism is across
  // replicas (InnerSteps of several), which keeps results independent of the thread count.
  // Replica r draws batches from StreamSeed(seed, "data", r). Throws TrainerError on a bad
  // config, missing dataset, or a cuda device without CUDA support. REQUIRES: replicas >= 1.
  // With `ranks` (of world size W), this rank builds only its slice of the replicas; throws
  // TrainerError if replicas < W.
  ReplicaSet(const TrainerConfig& config, int replicas, std::shared_ptr<RankGroup> ranks = nullptr);
  ~ReplicaSet();
  ReplicaSet(ReplicaSet&&) noexcept;
  ReplicaSet& operator=(ReplicaSet&&) noexcept;

  int size() const;  // every replica, on every rank
  // Whether this rank holds `replica` (always true without ranks).
  bool owns(int replica) const;
  std::int64_t parameter_count() const;         // per replica: trainable scalars
  std::int64_t parameter_bytes() const;         // per replica: count x element size (fp32: 4)
  std::int64_t inner_steps(int replica) const;  // optimizer steps taken so far; owned replicas

  // `steps` training steps of `replica` on its own batches (batch, forward, backward, clip,
  // step); returns the mean training loss of those steps. REQUIRES: steps >= 1.
  double InnerSteps(int replica, int steps);

  // InnerSteps for several replicas, steps[i] for replicas[i], returning their mean losses in
  // that order. The replicas train in parallel on config.threads worker threads, one replica
  // per thread at a time (replica_batching "loop") or in chunks of replicas stepped together
  // in batched kernels ("stacked"); every torch operation runs on one thread, so the results
  // are the same, bit for bit, whatever the thread count, the machine, or which replicas are
  // stepped together. Loop and stacked agree to rounding, not bit for bit.
  // REQUIRES: distinct replicas, every steps[i] >= 1, as many steps as replicas.
  std::vector<double> InnerSteps(std::span<const int> replicas, std::span<const int> steps);

  // One synchronous data-parallel step: every member computes the gradient of its own batch,
  // the gradients are averaged, and every member's inner optimizer steps with the mean (so
  // members that start equal stay equal). Returns the members' mean loss. Members compute
  // and step in parallel as in InnerSteps, with the same results for any thread count.
  double DdpStep(std::span<const int> group);

  // DiLoCo: g = mean over members of (phi_i - theta_i); each member's phi takes one outer step
  // (Nesterov or heavy-ball) with its own momentum; theta_i <- phi_i.
  void DilocoOuterStep(std::span<const int> group, const DilocoOuterConfig& config);

  // NoLoCo: each member updates its own phi_i and delta_i from the group's means of
  // theta_j - phi_j and of phi_j, then theta_i <- phi_i.
  void NolocoOuterStep(std::span<const int> group, const NolocoOuterConfig& config);

  // Local SGD / FedAvg: phi_i <- mean theta_j; theta_i <- phi_i for every member.
  void AverageModels(std::span<const int> group);

  // Streaming DiLoCo (locosim/outer/streaming_diloco.h): `replica` sends its outer gradient
  // of parameter tensors `tensors` (one fragment) for sync `sync_id`, of `contributors`
  // senders; later it merges that sync's outer step into its own fragment.
  void StreamingSend(int replica, std::int64_t sync_id, std::span<const int> tensors,
                     const CompressionConfig& compression, int contributors);
  void StreamingMerge(int replica, std::int64_t sync_id, std::span<const int> tensors,
                      const DilocoOuterConfig& config, double alpha);

  // Replica failures: `to` takes `from`'s theta, phi, outer momentum, error feedback, inner
  // optimizer state and step count (its own data stream stays); and theta <- phi.
  void CopyReplicaState(int to, int from);
  void ResetToSlowWeights(int replica);

  // Each parameter tensor's layer, counted in depth from 0, for cutting the model into
  // fragments: a char_transformer's blocks (the embeddings belong to the first, the final
  // norm and head to the last); an mlp's or cnn's top-level layers.
  std::vector<int> parameter_layers() const;

  // Validation loss (and perplexity or accuracy) of a replica's fast weights theta, or of the
  // model whose parameters are the mean of the listed replicas' theta, on the fixed subset of
  // config.eval_batches batches. Deterministic: same weights, same result. Owned replicas
  // only (a sharded set evaluates through the two calls below).
  EvalResult Evaluate(int replica);
  EvalResult EvaluateMean(std::span<const int> replicas);

  // For evaluations on rank 0: replica's theta there (the live tensors if rank 0 owns it, a
  // copy from its owner if not) and nothing on the other ranks.
  std::vector<at::Tensor> FastWeightsOnRoot(int replica);
  // The validation metrics of the model with parameters `weights` (in parameter order),
  // computed on rank 0 and given to every rank; the other ranks' `weights` are not read.
  EvalResult EvaluateWeights(const std::vector<at::Tensor>& weights);

  // The whole set (weights, phi, momentum, optimizer state, data streams, step counts) to a
  // file, written to a temporary name and renamed into place; and back into a set built from
  // the same config and size. Load throws TrainerError if the file is unreadable or was made
  // by a different set; on error the set may be partly loaded. Not for a sharded set.
  void Save(const std::string& path) const;
  void Load(const std::string& path);

  // Torch view, for callers that include torch: handles sharing storage with replica's theta
  // (the model parameters) and phi, in parameter order. Shapes must not be changed. Owned
  // replicas only.
  std::vector<at::Tensor> fast_weights(int replica) const;
  std::vector<at::Tensor> slow_weights(int replica) const;

  // The set's state: named here so the files implementing the set can pass it around, defined
  // only in trainers/replicas/replica_set_impl.h.
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace locosim::trainers
