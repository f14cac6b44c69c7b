#include "sim/engine/method_runner.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "sim/backends/network_factory.h"
#include "sim/core/rng.h"
#include "sim/engine/compute_model.h"
#include "sim/methods/compression_field.h"
#include "sim/methods/method.h"
#include "sim/net/counting_network.h"
#include "sim/scenario/scenario_reader.h"

namespace locosim {
namespace {

MethodContext ContextOf(const MethodRunInput& in) {
  MethodContext context;
  context.replicas = in.scenario.replicas;
  context.seed = in.scenario.seed;
  context.inner_steps = InnerStepsOf(in.scenario, in.method);
  context.payload = in.payload;
  const PayloadSpec& declared = in.scenario.payload;
  if (declared.bytes || declared.parameters) {
    context.payload_bytes_per_element = declared.bytes_per_parameter;
  } else if (in.data.parameter_count() > 0) {
    context.payload_bytes_per_element = static_cast<double>(in.data.model_bytes().count()) /
                                        static_cast<double>(in.data.parameter_count());
  }
  context.parameter_shapes = in.data.parameter_shapes();
  context.parameter_layers = in.data.parameter_layers();
  context.total_steps = in.scenario.total_steps;
  return context;
}

class MethodRunner final : public SyncHost {
 public:
  MethodRunner(const MethodRunInput& in, Simulation& sim)
      : in_(in),
        method_(in.method.settings->Make(ContextOf(in))),
        loop_(*sim.loop),
        network_(*sim.network),
        n_(in.scenario.replicas),
        h_(method_->inner_steps()),
        rounds_(in.scenario.total_steps / h_),
        eval_every_rounds_(std::max(
            1,
            static_cast<int>(std::lround(static_cast<double>(in.scenario.eval.every_steps) / h_)))),
        state_(n_) {
    if (!in.scenario.compute.measured) {
      compute_ = std::make_unique<ComputeModel>(in.scenario.compute, in.scenario.seed, n_);
    }
    is_noloco_ = in.method.kind == "noloco";
    run_.name = in.method.name;
    run_.kind = in.method.kind;
    run_.inner_steps = h_;
    run_.rounds = rounds_;
    run_.payload = in.payload;
    run_.wire_payload = WirePayload(ContextOf(in), in.method.settings->compression());
    run_.compression = EchoCompression(in.method.settings->compression()).dump();
    run_.sync_message = method_->sync_message_bytes();
    run_.replicas.resize(n_);
    run_.train_losses.SpillOnlyWhenAsked();
  }

  MethodRun Run() {
    // Before training every replica holds the same weights: evaluate one of them.
    in_.data.Snapshot(0, 0);
    run_.evals.push_back({0, 0, SimTime(), in_.data.EvaluateSnapshot(0)});
    for (int r = 0; r < n_; ++r) loop_.at(SimTime(), [this, r] { StartRound(r); });
    ScheduleFaults();
    loop_.run();
    if (in_.progress && in_.scenario.faults.any()) in_.progress(1.0);  // rounds were skipped
    // Failures can complete a later round's evaluation first (its replicas were all live).
    std::stable_sort(run_.evals.begin(), run_.evals.end(),
                     [](const EvalPoint& a, const EvalPoint& b) { return a.round < b.round; });
    run_.bytes_sent = network_.bytes_sent();
    run_.channel_bytes = network_.channel_bytes();
    return std::move(run_);
  }

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
                        SimTime loss_time) override {
    FinishPendingPhases(group);
    if (auto loss = in_.data.ApplyOuterUpdate(group, update)) {
      for (int m : group)
        run_.train_losses.push_back({m, round + 1, (round + 1) * h_, loss_time, *loss});
      SpillFinishedLosses();
    }
  }

  void Resume(int replica, bool synced) override {
    ReplicaState& st = state_[replica];
    AddSpan(Span::Kind::kIdle, replica, st.arrived, st.started);
    AddSpan(Span::Kind::kCommunicate, replica, st.started, loop_.now());
    if (synced) run_.syncs.push_back({replica, st.round, st.arrived, st.started, loop_.now()});
    st.round += 1;
    st.at_sync = false;
    RecordCompletion(replica, st.round);
    ReportProgress();
    MaybeCheckpoint();
    if (st.fail_after_sync) {
      st.fail_after_sync = false;
      if (st.round < rounds_) {
        GoDown(replica, std::max(loop_.now(), st.recover_at));
        return;
      }
    }
    HealFrom(replica);
    StartRound(replica);
  }

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

  void ScheduleFaults() {
    const FaultSpec& faults = in_.scenario.faults;
    for (const ScheduledFault& f : faults.scheduled) {
      loop_.at(f.at, [this, f] { Fail(f.replica, f.down_for); });
    }
    if (!faults.mean_time_between_failures) return;
    random_armed_.assign(n_, false);
    for (int r = 0; r < n_; ++r) {
      fault_draws_.push_back(Rng::Stream(in_.scenario.seed, "faults", r));
      ScheduleRandomFailure(r);
    }
  }

  // One random failure pending per replica at most: the next is drawn when the replica is
  // up again (or at once, when this one found it already down or at its end).
  void ScheduleRandomFailure(int replica) {
    const FaultSpec& faults = in_.scenario.faults;
    if (!faults.mean_time_between_failures || random_armed_[replica]) return;
    random_armed_[replica] = true;
    const double gap_s = -std::log(1.0 - fault_draws_[replica].uniform()) *
                         faults.mean_time_between_failures->seconds();
    loop_.after(Seconds(gap_s), [this, replica, d = faults.random_down_for] {
      random_armed_[replica] = false;
      Fail(replica, d);
      const ReplicaState& st = state_[replica];
      if (!st.down && !st.fail_after_sync && !st.ended && st.round < rounds_) {
        ScheduleRandomFailure(replica);
      }
    });
  }

  // A failure: a phase in progress is lost; at a sync point the sync finishes first (no
  // collective is interrupted). A replica already down, or done, is not failed again.
  void Fail(int replica, SimTime down_for) {
    ReplicaState& st = state_[replica];
    if (st.down || st.ended || st.round == rounds_ || st.fail_after_sync) return;
    if (st.at_sync || !st.computing) {
      st.fail_after_sync = true;
      st.recover_at = loop_.now() + down_for;
      return;
    }
    ++st.epoch;  // its scheduled arrival no longer counts
    st.computing = false;
    AddSpan(Span::Kind::kCompute, replica, st.phase_start, loop_.now());
    const SimTime lost = loop_.now() - st.phase_start;
    run_.replicas[replica].lost_compute += lost;
    if (st.pending_loss >= 0) {
      // The lost phase is computed all the same, so the data plane's state does not depend
      // on when it would have been; its loss is recorded at the failure.
      run_.train_losses.Recent(static_cast<std::size_t>(st.pending_loss)).time = loop_.now();
      const int self[] = {replica};
      FinishPendingPhases(self);
    }
    GoDown(replica, loop_.now() + down_for, lost);
  }

  void GoDown(int replica, SimTime until, SimTime lost = SimTime()) {
    ReplicaState& st = state_[replica];
    st.down = true;
    st.down_since = loop_.now();
    run_.faults.push_back({replica, loop_.now(), SimTime(), lost, false});
    if (quorum()) {
      st.absent = true;
      method_->OnReplicaLost(replica, *this);
      CheckPendingEvals();
    }
    loop_.at(until, [this, replica] { Recover(replica); });
  }

  // Back up after `down_for`: with "wait", restart the lost round from the last synced
  // weights, the model fetched from a live peer; with a quorum, wait for a live peer's next
  // sync and rejoin from its state.
  void Recover(int replica) {
    ReplicaState& st = state_[replica];
    if (st.ended) return;
    const int donor = LiveDonor(replica);
    if (!quorum()) {
      if (method_->trains_between_syncs()) in_.data.ResetToSlowWeights(replica);
      FetchModel(replica, donor < 0 ? replica : donor);
      return;
    }
    if (donor < 0) {
      // Nobody is up to rejoin from (the others are down or waiting): restart the lost round
      // from its own last synced weights, and be the peer the others rejoin from.
      if (method_->trains_between_syncs()) in_.data.ResetToSlowWeights(replica);
      st.absent = false;
      st.counted_from = st.round + 1;
      FetchModel(replica, replica);
      return;
    }
    healers_.push_back(replica);
  }

  // The first replica, by index, that is up and still training; -1 when none.
  int LiveDonor(int except) const {
    for (int r = 0; r < n_; ++r) {
      const ReplicaState& s = state_[r];
      if (r != except && !s.down && !s.ended && s.round < rounds_) return r;
    }
    return -1;
  }

  // `donor` has just finished a sync: replicas waiting to rejoin take its state now and
  // join the round it starts, once the model has crossed the network.
  void HealFrom(int donor) {
    const int round = state_[donor].round;
    if (healers_.empty() || round == rounds_ || !method_->CanJoin(round)) return;
    std::vector<int> healers = std::move(healers_);
    healers_.clear();
    for (int h : healers) {
      ReplicaState& st = state_[h];
      if (round < st.round) {  // never back to rounds it has completed
        healers_.push_back(h);
        continue;
      }
      in_.data.CopyReplica(h, donor);
      st.round = state_[donor].round;
      st.counted_from = st.round + 1;
      st.absent = false;
      FetchModel(h, donor);
    }
  }

  // The model crosses from `donor` to `replica` (no transfer when it is its own); then the
  // replica is up again and starts its round.
  void FetchModel(int replica, int donor) {
    auto back = [this, replica] {
      ReplicaState& st = state_[replica];
      if (st.ended) return;  // the others finished while the model was on its way
      st.down = false;
      AddSpan(Span::Kind::kDown, replica, st.down_since, loop_.now());
      for (auto it = run_.faults.rbegin(); it != run_.faults.rend(); ++it) {
        if (it->replica == replica) {
          it->back = loop_.now();
          break;
        }
      }
      ScheduleRandomFailure(replica);
      StartRound(replica);
    };
    if (donor == replica) {
      back();
      return;
    }
    network_.transfer(in_.topology.replicas[donor], in_.topology.replicas[replica], in_.payload,
                      std::move(back));
  }

  void EndEarly(int replica) {
    ReplicaState& st = state_[replica];
    st.ended = true;
    st.absent = true;
    AddSpan(Span::Kind::kDown, replica, st.down_since, loop_.now());
    for (auto it = run_.faults.rbegin(); it != run_.faults.rend(); ++it) {
      if (it->replica == replica) {
        it->ended = true;
        break;
      }
    }
    run_.replicas[replica].end = loop_.now();
    method_->OnReplicaLost(replica, *this);
    CheckPendingEvals();
  }

  // When the last replica still training finishes, those down or waiting to rejoin have
  // nothing left to join.
  void EndTheStranded() {
    if (LiveDonor(-1) >= 0) return;
    healers_.clear();
    for (int r = 0; r < n_; ++r) {
      if (state_[r].down && !state_[r].ended) EndEarly(r);
    }
  }

  bool IsEvalRound(int completed) const {
    return completed == rounds_ || completed % eval_every_rounds_ == 0;
  }

  void AddSpan(Span::Kind kind, int replica, SimTime start, SimTime end) {
    ReplicaTotals& totals = run_.replicas[replica];
    (kind == Span::Kind::kCompute       ? totals.compute
     : kind == Span::Kind::kCommunicate ? totals.communicate
     : kind == Span::Kind::kDown        ? totals.down
                                        : totals.idle) += end - start;
    if (end > start) run_.spans.push_back({kind, replica, state_[replica].round, start, end});
  }

  void StartRound(int replica) {
    ReplicaState& st = state_[replica];
    if (st.round == rounds_) {
      run_.replicas[replica].end = loop_.now();
      EndTheStranded();
      return;
    }
    SimTime duration;
    if (method_->trains_between_syncs()) {
      // A sync point where nothing read the replica (Streaming DiLoCo's boundaries without a
      // fragment event) leaves its last phase pending: finish it (the data plane computes
      // every pending phase with it), since the data plane holds one phase per replica.
      if (st.pending_loss >= 0) {
        const int self[] = {replica};
        FinishPendingPhases(self);
      }
      // The loss is filled in when the phase finishes; its place in the records is now.
      st.pending_loss = static_cast<long long>(run_.train_losses.size());
      const auto wall_start = std::chrono::steady_clock::now();
      in_.data.BeginInnerSteps(replica, h_);
      if (compute_) {
        duration = compute_->NextSteps(replica, h_);
        run_.train_losses.push_back(
            {replica, st.round + 1, (st.round + 1) * h_, loop_.now() + duration, 0.0});
      } else {
        // Measured compute: the phase's wall time is its virtual time, so it runs now.
        run_.train_losses.push_back({replica, st.round + 1, (st.round + 1) * h_, SimTime(), 0.0});
        const int self[] = {replica};
        FinishPendingPhases(self);
        const auto& pinned = in_.scenario.compute.replica_step_time_factor;
        const auto factor = pinned.find(replica);
        duration = Seconds(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count() *
            (factor == pinned.end() ? 1.0 : factor->second));
        run_.train_losses.back().time = loop_.now() + duration;
      }
    } else {
      duration = compute_->NextSteps(replica, h_);
    }
    // The compute span is recorded at arrival: a failure may cut it short.
    st.computing = true;
    st.phase_start = loop_.now();
    loop_.after(duration, [this, replica, epoch = st.epoch] {
      if (state_[replica].epoch == epoch) Arrive(replica);
    });
  }

  void Arrive(int replica) {
    ReplicaState& st = state_[replica];
    st.computing = false;
    AddSpan(Span::Kind::kCompute, replica, st.phase_start, loop_.now());
    st.at_sync = true;
    st.arrived = st.started = loop_.now();
    method_->OnSyncPoint(replica, st.round, *this);
  }

  // Completes the deferred inner phases of those `replicas` that have one.
  void FinishPendingPhases(std::span<const int> replicas) {
    std::vector<int> pending;
    for (int r : replicas) {
      if (state_[r].pending_loss >= 0) pending.push_back(r);
    }
    if (pending.empty()) return;
    for (const PhaseResult& done : in_.data.FinishInnerSteps(pending)) {
      ReplicaState& st = state_[done.replica];
      assert(st.pending_loss >= 0);
      run_.train_losses.Recent(static_cast<std::size_t>(st.pending_loss)).loss = done.loss;
      st.pending_loss = -1;
    }
    for ([[maybe_unused]] int r : pending) assert(state_[r].pending_loss < 0);
    SpillFinishedLosses();
  }

  // Keeps the training-loss records in bounded memory: everything before the oldest phase
  // still pending is final and goes to disk. The scan over replicas runs once per
  // SpillLog::kDefaultInMemory records.
  void SpillFinishedLosses() {
    if (run_.train_losses.in_memory() < SpillLog<TrainLoss>::kDefaultInMemory) return;
    std::size_t oldest_pending = run_.train_losses.size();
    for (const ReplicaState& st : state_) {
      if (st.pending_loss >= 0)
        oldest_pending = std::min(oldest_pending, static_cast<std::size_t>(st.pending_loss));
    }
    run_.train_losses.SpillBefore(oldest_pending);
  }

  // The mean model after `completed` rounds is evaluated once every replica that will
  // complete that round has contributed: all of them, but for failed replicas a quorum
  // went on without (they rejoin at a later round).
  void RecordCompletion(int replica, int completed) {
    if (!IsEvalRound(completed)) return;
    const int self[] = {replica};
    FinishPendingPhases(self);
    in_.data.Snapshot(completed, replica);
    snapshots_[completed].insert(replica);
    MaybeEvaluate(completed);
  }

  void MaybeEvaluate(int completed) {
    const std::set<int>& done = snapshots_.at(completed);
    for (int r = 0; r < n_; ++r) {
      const ReplicaState& st = state_[r];
      const bool expected = !st.absent && !st.ended && st.counted_from <= completed;
      if (expected && !done.count(r)) return;
    }
    snapshots_.erase(completed);
    run_.evals.push_back(
        {completed, completed * h_, loop_.now(), in_.data.EvaluateSnapshot(completed)});
  }

  void CheckPendingEvals() {
    std::vector<int> open;
    for (const auto& [completed, done] : snapshots_) open.push_back(completed);
    for (int completed : open) MaybeEvaluate(completed);
  }

  void MaybeCheckpoint() {
    ++replica_rounds_;
    if (!in_.checkpoint || in_.checkpoint_every_rounds <= 0) return;
    const long long every = static_cast<long long>(in_.checkpoint_every_rounds) * n_;
    if (replica_rounds_ % every == 0 && replica_rounds_ < static_cast<long long>(rounds_) * n_) {
      in_.checkpoint();
    }
  }

  void ReportProgress() {
    if (!in_.progress) return;
    ++completions_;
    const long long total = static_cast<long long>(rounds_) * n_;
    if (completions_ == total || completions_ % std::max(1LL, total / 200) == 0) {
      in_.progress(static_cast<double>(completions_) / static_cast<double>(total));
    }
  }

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

}  // namespace

MethodRunResult RunMethod(const MethodRunInput& input) {
  NetworkOptions options = input.scenario.network.options;
  options.tcp.streams = StreamsOf(input.scenario, input.method);
  options.jitter_seed = input.scenario.seed;
  auto sim = MakeSimulation(input.scenario.network.backend, input.topology, options);
  if (!sim) {
    ConfigError error = sim.error();
    error.file = input.scenario.file;
    return RunFailure{RunFailure::Kind::kBadNetworkOptions, error.message()};
  }
  const auto wall_start = std::chrono::steady_clock::now();
  MethodRunner runner(input, *sim);
  MethodRun run = runner.Run();
  if (const NetworkStall* stall = sim->network->stall()) {
    return RunFailure{RunFailure::Kind::kNetworkStalled, stall->message};
  }
  assert(runner.complete());
  run.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return run;
}

}  // namespace locosim
