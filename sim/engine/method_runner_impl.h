// The runner of one method (sim/engine/method_runner.h), shared by the files that
// implement it: method_runner.cc holds the round flow (inner phases, sync points,
// evaluations), replica_faults.cc failures and recovery. Internal to sim/engine.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <vector>

#include "sim/backends/network_factory.h"
#include "sim/core/rng.h"
#include "sim/engine/compute_model.h"
#include "sim/engine/method_runner.h"
#include "sim/methods/method.h"
#include "sim/net/counting_network.h"

namespace locosim {

class MethodRunner final : public SyncHost {
 public:
  MethodRunner(const MethodRunInput& in, Simulation& sim);

  MethodRun Run();

  // Whether every replica completed its budget (false when the network stalled).
  bool complete() const {
    return std::all_of(state_.begin(), state_.end(),
                       [&](const ReplicaState& s) { return s.round == rounds_ || s.ended; });
  }

  // SyncHost.
  SimTime now() const override { return loop_.now(); }

  CollectiveSetup CollectiveAmong(std::span<const int> members, Bytes bytes) override {
    std::vector<NodeIndex> nodes;
    for (int m : members) nodes.push_back(in_.topology.replicas[m]);
    return CollectiveSetup{network_, loop_, std::move(nodes), bytes};
  }

  void BeginSync(std::span<const int> members) override {
    for (int m : members) state_[m].started = loop_.now();
  }

  void ApplyOuterUpdate(std::span<const int> group, int round, const OuterUpdate& update,
                        SimTime loss_time) override;

  void Resume(int replica, bool synced) override;

  bool failures_possible() const override { return in_.scenario.faults.any(); }

  bool WillArrive(int replica, int round) const override {
    const ReplicaState& st = state_[replica];
    return !st.absent && !st.ended && st.round <= round && st.round < rounds_;
  }

 private:
  struct ReplicaState {
    int round = 0;    // rounds completed
    SimTime arrived;  // at the current sync point
    SimTime started;  // the current sync began (its wait for the group ended)
    // Index in run_.train_losses of the deferred inner phase still to finish, or -1.
    long long pending_loss = -1;
    // Failures (docs/algorithms.md, "Replica failures").
    bool computing = false;  // in an inner phase, which a failure aborts
    bool at_sync = false;    // arrived, not yet resumed: a failure waits for the sync's end
    SimTime phase_start;
    int epoch = 0;  // bumped by a failure: the aborted phase's arrival is ignored
    bool down = false;
    bool absent = false;  // quorum: expected at no sync until it rejoins
    bool ended = false;   // stopped early: no live peer was left to rejoin from
    bool fail_after_sync = false;
    SimTime recover_at;
    SimTime down_since;
    int counted_from = 1;  // evaluations of this many completed rounds on include it
  };

  bool quorum() const { return in_.scenario.faults.all_reduce == "quorum" || is_noloco_; }

  void ScheduleFaults();

  // One random failure pending per replica at most: the next is drawn when the replica is
  // up again (or at once, when this one found it already down or at its end).
  void ScheduleRandomFailure(int replica);

  // A failure: a phase in progress is lost; at a sync point the sync finishes first (no
  // collective is interrupted). A replica already down, or done, is not failed again.
  void Fail(int replica, SimTime down_for);

  void GoDown(int replica, SimTime until, SimTime lost = SimTime());

  // Back up after `down_for`: with "wait", restart the lost round from the last synced
  // weights, the model fetched from a live peer; with a quorum, wait for a live peer's next
  // sync and rejoin from its state.
  void Recover(int replica);

  // The first replica, by index, that is up and still training; -1 when none.
  int LiveDonor(int except) const;

  // `donor` has just finished a sync: replicas waiting to rejoin take its state now and
  // join the round it starts, once the model has crossed the network.
  void HealFrom(int donor);

  // The model crosses from `donor` to `replica` (no transfer when it is its own); then the
  // replica is up again and starts its round.
  void FetchModel(int replica, int donor);

  void EndEarly(int replica);

  // When the last replica still training finishes, those down or waiting to rejoin have
  // nothing left to join.
  void EndTheStranded();

  bool IsEvalRound(int completed) const {
    return completed == rounds_ || completed % eval_every_rounds_ == 0;
  }

  void AddSpan(Span::Kind kind, int replica, SimTime start, SimTime end);

  void StartRound(int replica);

  void Arrive(int replica);

  // Completes the deferred inner phases of those `replicas` that have one.
  void FinishPendingPhases(std::span<const int> replicas);

  // Keeps the training-loss records in bounded memory: everything before the oldest phase
  // still pending is final and goes to disk. The scan over replicas runs once per
  // SpillLog::kDefaultInMemory records.
  void SpillFinishedLosses();

  // The mean model after `completed` rounds is evaluated once every replica that will
  // complete that round has contributed: all of them, but for failed replicas a quorum
  // went on without (they rejoin at a later round).
  void RecordCompletion(int replica, int completed);

  void MaybeEvaluate(int completed);

  void CheckPendingEvals();

  void MaybeCheckpoint();

  void ReportProgress();

  const MethodRunInput& in_;
  std::unique_ptr<Method> method_;
  EventLoop& loop_;
  CountingNetwork network_;
  std::unique_ptr<ComputeModel> compute_;
  const int n_;
  const int h_;
  const int rounds_;
  const int eval_every_rounds_;
  std::vector<ReplicaState> state_;
  std::map<int, std::set<int>> snapshots_;  // round -> replicas snapshotted so far
  bool is_noloco_ = false;                  // NoLoCo groups only live replicas: a quorum
  std::vector<bool> random_armed_;          // per replica, a random failure is pending
  std::vector<Rng> fault_draws_;            // per replica, random failures' times
  std::vector<int> healers_;                // waiting for a live peer's next sync
  long long completions_ = 0;
  long long replica_rounds_ = 0;  // completed, all replicas together
  MethodRun run_;
};

}  // namespace locosim
