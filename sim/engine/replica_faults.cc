// Replica failures and recovery (docs/algorithms.md, "Replica failures"): scheduled and
// random failures, a failed replica's downtime, and its return from a live peer's model.
#include <cmath>

#include "sim/engine/method_runner_impl.h"

namespace locosim {

void MethodRunner::ScheduleFaults() {
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

void MethodRunner::ScheduleRandomFailure(int replica) {
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

void MethodRunner::Fail(int replica, SimTime down_for) {
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

void MethodRunner::GoDown(int replica, SimTime until, SimTime lost) {
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

void MethodRunner::Recover(int replica) {
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

int MethodRunner::LiveDonor(int except) const {
  for (int r = 0; r < n_; ++r) {
    const ReplicaState& s = state_[r];
    if (r != except && !s.down && !s.ended && s.round < rounds_) return r;
  }
  return -1;
}

void MethodRunner::HealFrom(int donor) {
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

void MethodRunner::FetchModel(int replica, int donor) {
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

void MethodRunner::EndEarly(int replica) {
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

void MethodRunner::EndTheStranded() {
  if (LiveDonor(-1) >= 0) return;
  healers_.clear();
  for (int r = 0; r < n_; ++r) {
    if (state_[r].down && !state_[r].ended) EndEarly(r);
  }
}

}  // namespace locosim
