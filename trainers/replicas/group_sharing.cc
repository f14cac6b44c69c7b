#include "replicas/group_sharing.h"

#include <torch/torch.h>

#include <algorithm>
#include <map>

#include "distributed/rank_messages.h"

namespace locosim::trainers {

std::vector<std::vector<torch::Tensor>> ShareWithGroup(
    ReplicaSet::Impl& set, std::span<const int> group,
    const std::function<std::vector<torch::Tensor>(int replica)>& tensors_of,
    const std::vector<torch::Tensor>& like) {
  std::vector<std::vector<torch::Tensor>> out(group.size());
  std::map<int, std::vector<std::size_t>> by_rank;  // rank -> its members' positions
  for (std::size_t i = 0; i < group.size(); ++i) by_rank[set.owner(group[i])].push_back(i);
  const int me = set.ranks ? set.ranks->rank() : 0;
  if (!by_rank.count(me)) return {};
  std::int64_t per_member = 0;
  for (const torch::Tensor& t : like) per_member += t.numel();
  std::vector<torch::Tensor> mine;
  for (std::size_t i : by_rank[me]) {
    out[i] = tensors_of(group[i]);
    for (const torch::Tensor& t : out[i]) mine.push_back(t);
  }
  if (by_rank.size() == 1) return out;
  const torch::Tensor packed = PackFlat(mine);
  std::vector<RankMessage> sends, receives;
  for (const auto& [rank, positions] : by_rank) {
    if (rank == me) continue;
    sends.push_back({rank, packed});
    receives.push_back(
        {rank, torch::empty({per_member * std::int64_t(positions.size())}, torch::kFloat32)});
  }
  ExchangeMessages(*set.ranks, sends, receives);
  for (const RankMessage& m : receives) {
    std::int64_t offset = 0;
    for (std::size_t i : by_rank[m.peer]) {
      out[i] = UnpackFlat(m.tensor, offset, like);
      offset += per_member;
    }
  }
  return out;
}

GroupWeights::GroupWeights(ReplicaSet::Impl& set, std::span<const int> group, bool error_feedback) {
  const std::vector<torch::Tensor>& theta = set.replicas.front().theta;
  const std::size_t n = theta.size();
  std::vector<torch::Tensor> like(theta);
  like.insert(like.end(), theta.begin(), theta.end());
  if (error_feedback) like.insert(like.end(), theta.begin(), theta.end());
  const auto tensors_of = [&](int replica) {
    const Replica& r = set.at(replica);
    std::vector<torch::Tensor> t(r.theta);
    t.insert(t.end(), r.phi.begin(), r.phi.end());
    if (error_feedback) t.insert(t.end(), r.error_feedback.begin(), r.error_feedback.end());
    return t;
  };
  const std::vector<std::vector<torch::Tensor>> shared =
      ShareWithGroup(set, group, tensors_of, like);
  for (std::size_t i = 0; i < shared.size(); ++i) {
    if (set.owns(group[i])) {
      view_.push_back(set.at(group[i]).outer_weights());
      continue;
    }
    if (scratch_momentum_.empty()) {
      for (const torch::Tensor& t : theta) scratch_momentum_.push_back(torch::zeros_like(t));
    }
    const auto part = [&](std::size_t from) {
      return std::vector<torch::Tensor>(shared[i].begin() + std::ptrdiff_t(from * n),
                                        shared[i].begin() + std::ptrdiff_t((from + 1) * n));
    };
    view_.push_back({part(0), part(1), scratch_momentum_,
                     error_feedback ? part(2) : std::vector<torch::Tensor>{}});
  }
}

double ShareGroupValue(ReplicaSet::Impl& set, std::span<const int> group,
                       std::optional<double> value) {
  if (!set.sharded()) return *value;
  std::vector<bool> holds(static_cast<std::size_t>(set.ranks->world_size()), false);
  for (int r : group) holds[static_cast<std::size_t>(set.owner(r))] = true;
  const int first = static_cast<int>(std::find(holds.begin(), holds.end(), true) - holds.begin());
  const int me = set.ranks->rank();
  if (me == first) {
    std::vector<RankMessage> sends;
    for (int rank = 0; rank < set.ranks->world_size(); ++rank) {
      if (!holds[static_cast<std::size_t>(rank)])
        sends.push_back({rank, torch::tensor({*value}, torch::kFloat64)});
    }
    ExchangeMessages(*set.ranks, sends, {});
    return *value;
  }
  if (holds[static_cast<std::size_t>(me)]) return *value;
  const RankMessage received{first, torch::empty({1}, torch::kFloat64)};
  ExchangeMessages(*set.ranks, {}, {received});
  return received.tensor.item<double>();
}

std::vector<double> ShareValues(ReplicaSet::Impl& set, std::span<const int> replicas,
                                const std::vector<double>& owned_values) {
  std::vector<double> out(replicas.size());
  std::map<int, std::vector<std::size_t>> by_rank;
  for (std::size_t i = 0; i < replicas.size(); ++i) by_rank[set.owner(replicas[i])].push_back(i);
  const int me = set.ranks ? set.ranks->rank() : 0;
  std::size_t next = 0;
  for (std::size_t i : by_rank[me]) out[i] = owned_values.at(next++);
  if (!set.sharded()) return out;
  // Every rank needs every value (the control plane runs the same on all), so each rank
  // sends its own to every other.
  std::vector<RankMessage> sends, receives;
  for (int rank = 0; rank < set.ranks->world_size(); ++rank) {
    if (rank == me) continue;
    if (!by_rank[me].empty()) sends.push_back({rank, torch::tensor(owned_values, torch::kFloat64)});
    if (!by_rank[rank].empty()) {
      receives.push_back(
          {rank, torch::empty({std::int64_t(by_rank[rank].size())}, torch::kFloat64)});
    }
  }
  ExchangeMessages(*set.ranks, sends, receives);
  for (const RankMessage& m : receives) {
    const double* values = m.tensor.data_ptr<double>();
    for (std::size_t j = 0; j < by_rank[m.peer].size(); ++j) out[by_rank[m.peer][j]] = values[j];
  }
  return out;
}

}  // namespace locosim::trainers
