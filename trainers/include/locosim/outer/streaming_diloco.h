// Streaming DiLoCo's fragment exchange (Douillard et al. 2025, arXiv 2501.18512;
// docs/algorithms.md, "Streaming DiLoCo"). At a fragment's sync step each replica sends the
// fragment's outer gradient phi - theta and keeps training; tau inner steps later it merges
// the outer step's result into its local fragment. What was sent and what is merged are read
// at different times, so the exchange holds what each replica sent until every replica has
// merged that sync.
#pragma once

#include <torch/serialize/archive.h>
#include <torch/types.h>

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "locosim/outer/outer_config.h"
#include "locosim/outer/outer_weights.h"

namespace locosim::trainers {

class FragmentExchange {
 public:
  // `replica` sends phi_k - theta_k for k in `tensors`, encoded per `compression` (top-k with
  // the replica's own error buffers, w.error_feedback), for sync `sync_id`, which has
  // `contributors` senders in all. REQUIRES: the replica has not sent this sync yet.
  void Send(std::int64_t sync_id, int replica, const OuterWeights& w, std::span<const int> tensors,
            const CompressionConfig& compression, int contributors);

  // One DiLoCo outer step on the replica's phi_k and momentum_k (k in `tensors`) with the
  // mean of what every sender sent (in replica order; a dense encoding re-encodes the mean,
  // as DiLoCo's compressed all-reduce does), then theta_k <- alpha theta_k + (1 - alpha) phi_k.
  // The last member to merge frees the sync. REQUIRES: every contributor has sent.
  void Merge(std::int64_t sync_id, int replica, const OuterWeights& w, std::span<const int> tensors,
             const DilocoOuterConfig& config, double alpha);

  // Over ranks (trainers/replicas/replica_streaming.cc). A sender held by another rank is
  // noted without its tensors, which Receive supplies before the first merge; a merge by a
  // member held elsewhere is only counted, so the sync is freed when its last member merged.
  void NoteSentElsewhere(std::int64_t sync_id, int replica, std::span<const int> tensors,
                         int contributors);
  void NoteMergedElsewhere(std::int64_t sync_id, int replica);
  void Receive(std::int64_t sync_id, int replica, std::vector<torch::Tensor> sent);
  // Throws TrainerError if `replica` may not merge sync `sync_id` of `tensors` now: not every
  // contributor has sent, it merged already, or it names other tensors than were sent.
  void CheckMerge(std::int64_t sync_id, int replica, std::span<const int> tensors) const;
  // True from the sync's first send until its first merge, here or elsewhere.
  bool BeforeFirstMerge(std::int64_t sync_id) const;
  // The sync's senders in replica order, each with what it sent (nothing yet for one noted
  // as sent elsewhere). REQUIRES: BeforeFirstMerge(sync_id).
  const std::map<int, std::vector<torch::Tensor>>& Sent(std::int64_t sync_id) const;

  bool empty() const { return syncs_.empty(); }
  // The syncs in flight, under `prefix` in `archive`, and back.
  void Save(torch::serialize::OutputArchive& archive, const std::string& prefix) const;
  void Load(torch::serialize::InputArchive& archive, const std::string& prefix,
            torch::Device device);

 private:
  struct Sync {
    int contributors = 0;
    std::size_t tensors = 0;                         // per sender: the fragment's
    std::set<int> merged;                            // replicas that have merged it
    std::map<int, std::vector<torch::Tensor>> sent;  // replica -> its encoded outer gradients
    bool mean_ready = false;                         // set at the first merge; `sent` freed
    std::vector<torch::Tensor> mean;
  };
  // The sync's entry once every contributor has sent; throws TrainerError before.
  Sync& SentByAll(std::int64_t sync_id, int replica);
  // Counts `replica`'s merge (throwing on a second one) and frees the sync after the last.
  void CountMerge(std::int64_t sync_id, int replica);

  std::map<std::int64_t, Sync> syncs_;
};

}  // namespace locosim::trainers
