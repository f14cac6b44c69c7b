// The sync protocol that DiLoCo, NoLoCo, DDP and local SGD share: in each round the replicas
// are partitioned into groups; a group starts its collective once all its members are at
// their sync point (waiting until then is their idle time); the outer update is applied when
// the first member's data has arrived (no member has resumed yet, so every member still holds
// exactly the weights it sent); each member resumes computing when its own part of the
// collective is done. A global barrier is the case of one group of every replica.
//
// With replica failures (docs/algorithms.md, "Replica failures") a round's groups are formed
// among the replicas expected at it, and a group starts once every member still expected has
// arrived: a member that failed meanwhile is left out (a quorum). A replica that arrives where
// no group waits for it (it rejoined after its round's groups formed) syncs alone.
#pragma once

#include <map>
#include <set>
#include <span>
#include <vector>

#include "sim/methods/method.h"

namespace locosim {

class GroupSyncMethod : public Method {
 public:
  void OnSyncPoint(int replica, int round, SyncHost& host) final;
  void OnReplicaLost(int replica, SyncHost& host) final;
  bool CanJoin(int round) const final { return !rounds_.count(round); }
  Bytes sync_message_bytes() const final { return bytes_per_member(); }

 protected:
  // The replicas that sync together in `round`: a partition of `expected` (the replicas
  // expected at the round's sync point, in index order; all of them without failures).
  virtual std::vector<std::vector<int>> Groups(int round, std::span<const int> expected) const = 0;
  // Starts the group's collective on `setup` (rank i = members[i]); `on_rank_done` per rank.
  virtual void StartGroupCollective(CollectiveSetup setup, RankDone on_rank_done) const = 0;
  // Bytes each member sends in its group's collective.
  virtual Bytes bytes_per_member() const = 0;
  // What the group applies once its data has arrived.
  virtual OuterUpdate Update() const = 0;
  virtual int replica_count() const = 0;

 private:
  struct Group {
    std::vector<int> members;
    std::vector<int> arrived;       // members at the sync point, in arrival order
    std::set<int> arrived_set;      // the same, for lookups
    std::vector<int> participants;  // those the collective runs among, in member order
    int done = 0;
    bool started = false;
    bool finished = false;
    bool updated = false;
    SimTime started_at;
  };
  struct Round {
    std::vector<Group> groups;
    std::map<int, int> group_of;  // replica -> its group
    int groups_finished = 0;
  };

  Round& RoundState(int round, SyncHost& host);
  // Starts the group if every member still expected has arrived; finishes it if nobody will.
  void MaybeStart(int round, int g, SyncHost& host);
  void MemberDone(int round, int g, int rank, SyncHost& host);
  void GroupFinished(int round);
  void SyncAlone(int replica, int round, SyncHost& host);

  std::map<int, Round> rounds_;  // rounds with a group still syncing
};

}  // namespace locosim
