#include "sim/methods/group_sync_method.h"

#include <algorithm>

namespace locosim {

GroupSyncMethod::Round& GroupSyncMethod::RoundState(int round, SyncHost& host) {
  auto it = rounds_.find(round);
  if (it != rounds_.end()) return it->second;
  Round& state = rounds_[round];
  std::vector<int> expected;
  for (int r = 0; r < replica_count(); ++r) {
    if (host.WillArrive(r, round)) expected.push_back(r);
  }
  for (auto& members : Groups(round, expected)) {
    for (int m : members) state.group_of[m] = static_cast<int>(state.groups.size());
    Group group;
    group.members = std::move(members);
    state.groups.push_back(std::move(group));
  }
  return state;
}

void GroupSyncMethod::OnSyncPoint(int replica, int round, SyncHost& host) {
  Round& state = RoundState(round, host);
  const auto it = state.group_of.find(replica);
  if (it == state.group_of.end() || state.groups[it->second].started) {
    SyncAlone(replica, round, host);
    return;
  }
  Group& group = state.groups[it->second];
  group.arrived.push_back(replica);
  group.arrived_set.insert(replica);
  MaybeStart(round, it->second, host);
}

void GroupSyncMethod::OnReplicaLost(int replica, SyncHost& host) {
  std::vector<std::pair<int, int>> waiting;  // (round, group) that had the replica
  for (auto& [round, state] : rounds_) {
    const auto it = state.group_of.find(replica);
    if (it != state.group_of.end() && !state.groups[it->second].started) {
      waiting.emplace_back(round, it->second);
    }
  }
  for (const auto& [round, g] : waiting) {
    if (rounds_.count(round)) MaybeStart(round, g, host);
  }
}

void GroupSyncMethod::MaybeStart(int round, int g, SyncHost& host) {
  Group& group = rounds_.at(round).groups[g];
  if (group.started || group.finished) return;
  if (group.arrived.size() < group.members.size()) {
    if (!host.failures_possible()) return;  // without failures every member is on its way
    for (int m : group.members) {
      if (!group.arrived_set.count(m) && host.WillArrive(m, round)) return;  // on its way
    }
  }
  if (group.arrived.empty()) {  // every member failed: nobody to sync
    group.finished = true;
    GroupFinished(round);
    return;
  }
  for (int m : group.members) {
    if (group.arrived_set.count(m)) group.participants.push_back(m);
  }
  group.started = true;
  group.started_at = host.now();
  host.BeginSync(group.participants);
  StartGroupCollective(
      host.CollectiveAmong(group.participants, bytes_per_member()),
      [this, round, g, &host](int rank, SimTime) { MemberDone(round, g, rank, host); });
}

void GroupSyncMethod::MemberDone(int round, int g, int rank, SyncHost& host) {
  Group& group = rounds_.at(round).groups[g];
  if (!group.updated) {
    // The first member to hold the group's data: apply the update for all, before anyone
    // resumes. A training loss (DDP) is the step computed when the group started.
    group.updated = true;
    host.ApplyOuterUpdate(group.participants, round, Update(), group.started_at);
  }
  const int replica = group.participants[rank];
  if (++group.done == static_cast<int>(group.participants.size())) {
    group.finished = true;
    GroupFinished(round);  // `group` may dangle from here
  }
  host.Resume(replica);
}

void GroupSyncMethod::GroupFinished(int round) {
  Round& state = rounds_.at(round);
  if (++state.groups_finished == static_cast<int>(state.groups.size())) rounds_.erase(round);
}

// A replica that rejoined after its round's groups formed: its outer update alone, at once.
void GroupSyncMethod::SyncAlone(int replica, int round, SyncHost& host) {
  const int self[] = {replica};
  host.BeginSync(self);
  host.ApplyOuterUpdate(self, round, Update(), host.now());
  host.Resume(replica);
}

}  // namespace locosim
