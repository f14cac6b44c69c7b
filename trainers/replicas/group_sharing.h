// What a group that spans ranks needs from the members another rank holds: copies of their
// tensors, from their owners, so that every rank with members in the group computes the
// group's update over all of them, in group order, exactly as one process would. Private to
// replicas/.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "locosim/outer/outer_weights.h"
#include "replicas/replica_set_impl.h"

namespace locosim::trainers {

// Each member's tensors, in group order: `tensors_of(r)` for an owned member, a copy received
// from its owner for the others (views into one received buffer per peer, shaped like
// `like`). Only the ranks holding members of the group exchange; on any other rank it
// returns nothing at once. Without ranks: tensors_of every member.
std::vector<std::vector<torch::Tensor>> ShareWithGroup(
    ReplicaSet::Impl& set, std::span<const int> group,
    const std::function<std::vector<torch::Tensor>(int replica)>& tensors_of,
    const std::vector<torch::Tensor>& like);

// The group's members as outer steps read them: owned members' own handles, and for the
// others copies of theta, phi and (with `error_feedback`) top-k's residual; their momentum is
// scratch. What an outer step writes into a copy is thrown away: the owner computes the same.
// Empty on a rank that holds no member. REQUIRES: `group` checked (Impl::CheckGroup).
class GroupWeights {
 public:
  GroupWeights(ReplicaSet::Impl& set, std::span<const int> group, bool error_feedback);
  const std::vector<OuterWeights>& view() const { return view_; }

 private:
  std::vector<OuterWeights> view_;
  std::vector<torch::Tensor> scratch_momentum_;
};

// A value that every rank holding members of `group` computed alike (`value`; nullopt on the
// others), given to every rank: the first rank with members sends it to those without.
double ShareGroupValue(ReplicaSet::Impl& set, std::span<const int> group,
                       std::optional<double> value);

// Every owned replica's result shared, in `replicas` order: `owned_values` holds the owned
// ones' in that order; the others come from their owners.
std::vector<double> ShareValues(ReplicaSet::Impl& set, std::span<const int> replicas,
                                const std::vector<double>& owned_values);

}  // namespace locosim::trainers
