#include "sim/engine/method_runner.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <map>
#include <memory>

#include "sim/engine/compute_model.h"
#include "sim/methods/method.h"
#include "sim/net/counting_network.h"
#include "sim/net/network_factory.h"

namespace locosim {
namespace {

class MethodRunner {
 public:
  MethodRunner(const MethodRunInput& in, Simulation& sim)
      : in_(in),
        method_(MakeMethod(in.method, in.scenario, in.payload)),
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
    run_.name = in.method.name;
    run_.kind = in.method.kind;
    run_.inner_steps = h_;
    run_.rounds = rounds_;
    run_.payload = in.payload;
    run_.replicas.resize(n_);
  }

  MethodRun Run() {
    // Before training every replica holds the same weights: evaluate one of them.
    in_.data.Snapshot(0, 0);
    run_.evals.push_back({0, 0, SimTime(), in_.data.EvaluateSnapshot(0)});
    for (int r = 0; r < n_; ++r) loop_.at(SimTime(), [this, r] { StartRound(r); });
    loop_.run();
    run_.bytes_sent = network_.bytes_sent();
    run_.channel_bytes = network_.channel_bytes();
    for (int r = 0; r < n_; ++r) assert(state_[r].round == rounds_);
    return std::move(run_);
  }

 private:
  struct ReplicaState {
    int round = 0;  // rounds completed
    SimTime arrived;
  };
  struct GroupState {
    std::vector<int> members;
    int arrived = 0;
    int done = 0;
    SimTime started;
  };
  struct RoundState {
    std::vector<GroupState> groups;
    std::vector<int> group_of;  // per replica
    int groups_done = 0;
  };

  bool IsEvalRound(int completed) const {
    return completed == rounds_ || completed % eval_every_rounds_ == 0;
  }

  void AddSpan(Span::Kind kind, int replica, SimTime start, SimTime end) {
    ReplicaTotals& totals = run_.replicas[replica];
    (kind == Span::Kind::kCompute ? totals.compute
     : kind == Span::Kind::kCommunicate ? totals.communicate
                                        : totals.idle) += end - start;
    if (end > start) run_.spans.push_back({kind, replica, state_[replica].round, start, end});
  }

  void StartRound(int replica) {
    ReplicaState& st = state_[replica];
    if (st.round == rounds_) {
      run_.replicas[replica].end = loop_.now();
      return;
    }
    SimTime duration;
    if (method_->trains_between_syncs()) {
      const auto wall_start = std::chrono::steady_clock::now();
      const double loss = in_.data.InnerSteps(replica, h_);
      const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
      duration = compute_ ? compute_->NextSteps(replica, h_) : Seconds(wall_s);
      run_.train_losses.push_back({replica, st.round + 1, (st.round + 1) * h_, loop_.now() + duration, loss});
    } else {
      duration = compute_->NextSteps(replica, h_);
    }
    AddSpan(Span::Kind::kCompute, replica, loop_.now(), loop_.now() + duration);
    loop_.after(duration, [this, replica] { Arrive(replica); });
  }

  RoundState& Round(int round) {
    auto it = rounds_state_.find(round);
    if (it != rounds_state_.end()) return it->second;
    RoundState& rs = rounds_state_[round];
    rs.group_of.assign(n_, -1);
    for (auto& members : method_->Groups(round)) {
      for (int m : members) rs.group_of[m] = static_cast<int>(rs.groups.size());
      rs.groups.push_back(GroupState{std::move(members), 0, 0, SimTime()});
    }
    return rs;
  }

  void Arrive(int replica) {
    ReplicaState& st = state_[replica];
    st.arrived = loop_.now();
    const int round = st.round;
    RoundState& rs = Round(round);
    const int g = rs.group_of[replica];
    GroupState& group = rs.groups[g];
    if (++group.arrived < static_cast<int>(group.members.size())) return;

    // Everyone is here. The members' weights cannot change until they resume, so the
    // outer update can be applied now; each member resumes when its collective part is done.
    group.started = loop_.now();
    if (auto loss = method_->Update(in_.data, group.members)) {
      for (int m : group.members) {
        run_.train_losses.push_back({m, round + 1, (round + 1) * h_, loop_.now(), *loss});
      }
    }
    std::vector<NodeIndex> nodes;
    for (int m : group.members) nodes.push_back(in_.topology.replicas[m]);
    const CollectiveSpec spec = method_->Collective(round);
    StartCollective(spec, CollectiveSetup{network_, loop_, nodes, spec.bytes},
                    [this, round, g](int rank, SimTime at) { Done(round, g, rank, at); });
  }

  void Done(int round, int g, int rank, SimTime at) {
    RoundState& rs = rounds_state_.at(round);
    GroupState& group = rs.groups[g];
    const int replica = group.members[rank];
    ReplicaState& st = state_[replica];
    AddSpan(Span::Kind::kIdle, replica, st.arrived, group.started);
    AddSpan(Span::Kind::kCommunicate, replica, group.started, at);
    run_.syncs.push_back({replica, round, st.arrived, group.started, at});
    st.round = round + 1;
    RecordCompletion(replica, st.round);
    if (++group.done == static_cast<int>(group.members.size()) &&
        ++rs.groups_done == static_cast<int>(rs.groups.size())) {
      rounds_state_.erase(round);
    }
    ReportProgress();
    StartRound(replica);
  }

  // The mean model after `completed` rounds is evaluated once every replica has contributed.
  void RecordCompletion(int replica, int completed) {
    if (!IsEvalRound(completed)) return;
    in_.data.Snapshot(completed, replica);
    if (++snapshots_[completed] < n_) return;
    snapshots_.erase(completed);
    run_.evals.push_back({completed, completed * h_, loop_.now(), in_.data.EvaluateSnapshot(completed)});
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
  std::map<int, RoundState> rounds_state_;
  std::map<int, int> snapshots_;  // round -> replicas snapshotted so far
  long long completions_ = 0;
  MethodRun run_;
};

}  // namespace

MethodRun RunMethod(const MethodRunInput& input) {
  auto sim = MakeSimulation(input.scenario.network.backend, input.topology, input.scenario.network.options);
  assert(sim);
  const auto wall_start = std::chrono::steady_clock::now();
  MethodRun run = MethodRunner(input, *sim).Run();
  run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return run;
}

}  // namespace locosim
