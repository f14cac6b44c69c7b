#include "sim/methods/group_sync_method.h"

namespace locosim {

GroupSyncMethod::Round& GroupSyncMethod::RoundState(int round) {
  auto it = rounds_.find(round);
  if (it != rounds_.end()) return it->second;
  Round& state = rounds_[round];
  for (auto& members : Groups(round)) {
    for (int m : members) {
      if (m >= static_cast<int>(state.group_of.size())) state.group_of.resize(m + 1, -1);
      state.group_of[m] = static_cast<int>(state.groups.size());
    }
    Group group;
    group.members = std::move(members);
    state.groups.push_back(std::move(group));
  }
  return state;
}

void GroupSyncMethod::OnSyncPoint(int replica, int round, SyncHost& host) {
  Round& state = RoundState(round);
  const int g = state.group_of[replica];
  Group& group = state.groups[g];
  if (++group.arrived < static_cast<int>(group.members.size())) return;
  group.started = host.now();
  host.BeginSync(group.members);
  StartGroupCollective(
      host.CollectiveAmong(group.members, bytes_per_member()),
      [this, round, g, &host](int rank, SimTime) { MemberDone(round, g, rank, host); });
}

void GroupSyncMethod::MemberDone(int round, int g, int rank, SyncHost& host) {
  Round& state = rounds_.at(round);
  Group& group = state.groups[g];
  if (!group.updated) {
    // The first member to hold the group's data: apply the update for all, before anyone
    // resumes. A training loss (DDP) is the step computed when the group started.
    group.updated = true;
    host.ApplyOuterUpdate(group.members, round, Update(), group.started);
  }
  const int replica = group.members[rank];
  if (++group.done == static_cast<int>(group.members.size()) &&
      ++state.groups_done == static_cast<int>(state.groups.size())) {
    rounds_.erase(round);  // `group` dangles from here
  }
  host.Resume(replica);
}

}  // namespace locosim
