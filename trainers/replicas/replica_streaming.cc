// Streaming DiLoCo's sends and merges (ReplicaSet::StreamingSend, StreamingMerge). Over ranks
// each rank keeps its own FragmentExchange: a replica's owner encodes what it sends, the other
// ranks only note that it sent, and at a sync's first merge every rank gives its senders'
// fragments to every other. Each rank then holds every sender's fragment and takes the mean
// in replica order, as one process does, so the outer step has the same bits on any rank.
#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "distributed/rank_messages.h"
#include "locosim/replicas/replica_set.h"
#include "replicas/preference_rounds.h"
#include "replicas/replica_set_impl.h"

namespace locosim::trainers {
namespace {

// Every rank's senders of sync `sync_id` to every other rank, packed per rank in replica
// order. All ranks call it at the sync's first merge; the senders are known to all (those
// held elsewhere were noted at their sends), so every rank posts the same exchange.
void ShareSentFragments(ReplicaSet::Impl& set, std::int64_t sync_id, std::span<const int> tensors) {
  std::vector<torch::Tensor> like;
  std::int64_t per_sender = 0;
  for (int k : tensors) {
    like.push_back(set.replicas.front().theta.at(static_cast<std::size_t>(k)));
    per_sender += like.back().numel();
  }
  std::map<int, std::vector<int>> senders_by_rank;
  for (const auto& [sender, sent] : set.fragments.Sent(sync_id))
    senders_by_rank[set.owner(sender)].push_back(sender);
  const int me = set.ranks->rank();
  std::vector<RankMessage> sends, receives;
  if (senders_by_rank.count(me)) {
    std::vector<torch::Tensor> mine;
    for (const auto& [sender, sent] : set.fragments.Sent(sync_id)) {
      if (set.owns(sender)) mine.insert(mine.end(), sent.begin(), sent.end());
    }
    const torch::Tensor packed = PackFlat(mine);
    for (int rank = 0; rank < set.ranks->world_size(); ++rank) {
      if (rank != me) sends.push_back({rank, packed});
    }
  }
  for (const auto& [rank, senders] : senders_by_rank) {
    if (rank == me) continue;
    receives.push_back(
        {rank, torch::empty({per_sender * std::int64_t(senders.size())}, torch::kFloat32)});
  }
  ExchangeMessages(*set.ranks, sends, receives);
  for (const RankMessage& m : receives) {
    std::int64_t offset = 0;
    for (int sender : senders_by_rank[m.peer]) {
      set.fragments.Receive(sync_id, sender, UnpackFlat(m.tensor, offset, like));
      offset += per_sender;
    }
  }
}

}  // namespace

void ReplicaSet::StreamingSend(int replica, std::int64_t sync_id, std::span<const int> tensors,
                               const CompressionConfig& compression, int contributors) {
  if (!impl_->owns(replica)) {
    (void)impl_->owner(replica);  // in range
    impl_->fragments.NoteSentElsewhere(sync_id, replica, tensors, contributors);
    return;
  }
  Replica& r = impl_->at(replica);
  if (compression.format == WireFormat::kTopK) EnsureErrorFeedback(r);
  impl_->fragments.Send(sync_id, replica, r.outer_weights(), tensors, compression, contributors);
}

void ReplicaSet::StreamingMerge(int replica, std::int64_t sync_id, std::span<const int> tensors,
                                const DilocoOuterConfig& config, double alpha) {
  (void)impl_->owner(replica);  // in range
  // Checked before any rank posts the exchange: every rank holds the same senders.
  impl_->fragments.CheckMerge(sync_id, replica, tensors);
  if (impl_->sharded() && impl_->fragments.BeforeFirstMerge(sync_id))
    ShareSentFragments(*impl_, sync_id, tensors);
  if (!impl_->owns(replica)) {
    impl_->fragments.NoteMergedElsewhere(sync_id, replica);
    return;
  }
  impl_->fragments.Merge(sync_id, replica, impl_->at(replica).outer_weights(), tensors, config,
                         alpha);
  MarkSync(impl_->at(replica));
}

}  // namespace locosim::trainers
