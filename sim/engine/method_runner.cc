#include <cassert>
#include <chrono>
#include <cmath>

#include "sim/engine/method_runner_impl.h"
#include "sim/methods/compression_field.h"
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

}  // namespace

MethodRunner::MethodRunner(const MethodRunInput& in, Simulation& sim)
    : in_(in),
      method_(in.method.settings->Make(ContextOf(in))),
      loop_(*sim.loop),
      network_(*sim.network),
      n_(in.scenario.replicas),
      h_(method_->inner_steps()),
      rounds_(in.scenario.total_steps / h_),
      eval_every_rounds_(std::max(1, static_cast<int>(std::lround(
                                         static_cast<double>(in.scenario.eval.every_steps) / h_)))),
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

MethodRun MethodRunner::Run() {
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

void MethodRunner::ApplyOuterUpdate(std::span<const int> group, int round,
                                    const OuterUpdate& update, SimTime loss_time) {
  FinishPendingPhases(group);
  if (auto loss = in_.data.ApplyOuterUpdate(group, update)) {
    for (int m : group)
      run_.train_losses.push_back({m, round + 1, (round + 1) * h_, loss_time, *loss});
    SpillFinishedLosses();
  }
}

void MethodRunner::Resume(int replica, bool synced) {
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

void MethodRunner::AddSpan(Span::Kind kind, int replica, SimTime start, SimTime end) {
  ReplicaTotals& totals = run_.replicas[replica];
  (kind == Span::Kind::kCompute       ? totals.compute
   : kind == Span::Kind::kCommunicate ? totals.communicate
   : kind == Span::Kind::kDown        ? totals.down
                                      : totals.idle) += end - start;
  if (end > start) run_.spans.push_back({kind, replica, state_[replica].round, start, end});
}

void MethodRunner::StartRound(int replica) {
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

void MethodRunner::Arrive(int replica) {
  ReplicaState& st = state_[replica];
  st.computing = false;
  AddSpan(Span::Kind::kCompute, replica, st.phase_start, loop_.now());
  st.at_sync = true;
  st.arrived = st.started = loop_.now();
  method_->OnSyncPoint(replica, st.round, *this);
}

void MethodRunner::FinishPendingPhases(std::span<const int> replicas) {
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

void MethodRunner::SpillFinishedLosses() {
  if (run_.train_losses.in_memory() < SpillLog<TrainLoss>::kDefaultInMemory) return;
  std::size_t oldest_pending = run_.train_losses.size();
  for (const ReplicaState& st : state_) {
    if (st.pending_loss >= 0)
      oldest_pending = std::min(oldest_pending, static_cast<std::size_t>(st.pending_loss));
  }
  run_.train_losses.SpillBefore(oldest_pending);
}

void MethodRunner::RecordCompletion(int replica, int completed) {
  if (!IsEvalRound(completed)) return;
  const int self[] = {replica};
  FinishPendingPhases(self);
  in_.data.Snapshot(completed, replica);
  snapshots_[completed].insert(replica);
  MaybeEvaluate(completed);
}

void MethodRunner::MaybeEvaluate(int completed) {
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

void MethodRunner::CheckPendingEvals() {
  std::vector<int> open;
  for (const auto& [completed, done] : snapshots_) open.push_back(completed);
  for (int completed : open) MaybeEvaluate(completed);
}

void MethodRunner::MaybeCheckpoint() {
  ++replica_rounds_;
  if (!in_.checkpoint || in_.checkpoint_every_rounds <= 0) return;
  const long long every = static_cast<long long>(in_.checkpoint_every_rounds) * n_;
  if (replica_rounds_ % every == 0 && replica_rounds_ < static_cast<long long>(rounds_) * n_) {
    in_.checkpoint();
  }
}

void MethodRunner::ReportProgress() {
  if (!in_.progress) return;
  ++completions_;
  const long long total = static_cast<long long>(rounds_) * n_;
  if (completions_ == total || completions_ % std::max(1LL, total / 200) == 0) {
    in_.progress(static_cast<double>(completions_) / static_cast<double>(total));
  }
}

MethodRunResult RunMethod(const MethodRunInput& input) {
  NetworkOptions options = input.scenario.network.options;
  options.tcp.streams = StreamsOf(input.scenario, input.method);
  options.jitter_seed = input.scenario.seed;
  options.loss_seed = input.scenario.seed;
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
