// The sync protocol that DiLoCo, NoLoCo, DDP and local SGD share: in each round the replicas
// are partitioned into groups; a group starts its collective once all its members are at
// their sync point (waiting until then is their idle time); the outer update is applied when
// the first member's data has arrived (no member has resumed yet, so every member still holds
// exactly the weights it sent); each member resumes computing when its own part of the
// collective is done. A global barrier is the case of one group of every replica.
#pragma once

#include <map>
#include <vector>

#include "sim/methods/method.h"

namespace locosim {

class GroupSyncMethod : public Method {
 public:
  void OnSyncPoint(int replica, int round, SyncHost& host) final;
  Bytes sync_message_bytes() const final { return bytes_per_member(); }

 protected:
  // The replicas that sync together in `round`: a partition of 0..N-1.
  virtual std::vector<std::vector<int>> Groups(int round) const = 0;
  // Starts the group's collective on `setup` (rank i = members[i]); `on_rank_done` per rank.
  virtual void StartGroupCollective(CollectiveSetup setup, RankDone on_rank_done) const = 0;
  // Bytes each member sends in its group's collective.
  virtual Bytes bytes_per_member() const = 0;
  // What the group applies once its data has arrived.
  virtual OuterUpdate Update() const = 0;

 private:
  struct Group {
    std::vector<int> members;
    int arrived = 0;
    int done = 0;
    bool updated = false;
    SimTime started;
  };
  struct Round {
    std::vector<Group> groups;
    std::vector<int> group_of;  // per replica
    int groups_done = 0;
  };

  Round& RoundState(int round);
  void MemberDone(int round, int g, int rank, SyncHost& host);

  std::map<int, Round> rounds_;  // rounds with a group still syncing
};

}  // namespace locosim
