// A training method, as the engine sees it: how many inner steps each replica runs between
// syncs, and what happens at a sync. The method handles its replicas' events (a replica
// reaching its sync point, the delivery of a collective's data) and decides which collective
// runs, which outer update is applied when, and when each replica resumes computing; so a
// method may let a replica compute while its bytes are in flight. The engine (SyncHost) does
// the bookkeeping: clocks, idle and communication time, sync events, inner phases.
// docs/algorithms.md has every method's equations.
#pragma once

#include <optional>
#include <span>

#include "sim/collectives/collective.h"
#include "sim/core/units.h"
#include "sim/dataplane/outer_update.h"

namespace locosim {

// What a method may do while it handles a sync. Implemented by the engine.
class SyncHost {
 public:
  virtual ~SyncHost() = default;

  virtual SimTime now() const = 0;
  // The network, clock and nodes for a collective among `members` (rank i on members[i]'s
  // node), `bytes` per rank. The collective's callbacks run from the event loop.
  virtual CollectiveSetup CollectiveAmong(std::span<const int> members, Bytes bytes) = 0;
  // `members` stop waiting for their group and start communicating now (their idle time
  // ends). REQUIRES: each is at its sync point.
  virtual void BeginSync(std::span<const int> members) = 0;
  // Applies `update` to `group` with the members' weights of this virtual moment (the engine
  // completes their pending inner phases first). A training loss that the update produced
  // (DDP's step) is recorded for every member at `loss_time`, for round `round`.
  virtual void ApplyOuterUpdate(std::span<const int> group, int round, const OuterUpdate& update,
                                SimTime loss_time) = 0;
  // `replica`'s sync is over: it resumes computing its next inner phase now. `synced` false
  // for a sync point where nothing was exchanged or waited for (Streaming DiLoCo's boundaries
  // between fragment events): no sync event is recorded for it.
  // REQUIRES: the replica is at its sync point.
  virtual void Resume(int replica, bool synced = true) = 0;
  // Whether `replica` is expected at its sync point of `round`: false for one that failed
  // and that a quorum goes on without (docs/algorithms.md, "Replica failures").
  virtual bool WillArrive(int replica, int round) const = 0;
  // False when no failure can happen: WillArrive is then true wherever a replica is due.
  virtual bool failures_possible() const { return false; }
};

class Method {
 public:
  virtual ~Method() = default;

  // Inner steps each replica runs between syncs (H; 1 for DDP).
  virtual int inner_steps() const = 0;
  // False when the data plane's step happens at the sync itself (DDP): the engine then
  // begins no inner phase, and only the compute model's time passes.
  virtual bool trains_between_syncs() const { return true; }
  // The most bytes one replica sends to one peer-or-collective in one sync: the message whose
  // size sets the peak bandwidth a sync needs (a fragment for Streaming DiLoCo).
  virtual Bytes sync_message_bytes() const = 0;
  // `replica` has finished the inner phase of `round` (0-based) and is at its sync point.
  // The method must eventually call host.Resume(replica).
  virtual void OnSyncPoint(int replica, int round, SyncHost& host) = 0;
  // `replica` failed and will not arrive where it was expected (host.WillArrive changed):
  // a group waiting only for it may go on.
  virtual void OnReplicaLost(int /*replica*/, SyncHost& /*host*/) {}
  // Whether a replica rejoining now may be expected at `round`'s sync point: false once the
  // round's groups have formed without it.
  virtual bool CanJoin(int /*round*/) const { return true; }
};

}  // namespace locosim
