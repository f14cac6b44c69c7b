#include "sim/methods/streaming_diloco/streaming_diloco.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <numeric>
#include <vector>

#include "sim/collectives/collective_by_name.h"
#include "sim/config/field_readers.h"
#include "sim/methods/all_reduce_method.h"
#include "sim/methods/compression_field.h"
#include "sim/methods/diloco/diloco.h"

namespace locosim {
namespace {

// The paper's outer learning rate for Streaming DiLoCo (DiLoCo's is 0.7).
constexpr double kStreamingOuterLr = 0.4;

// Every replica's sync points, as a small state machine: at a phase boundary a replica first
// merges a fragment whose sync began τ steps ago (waiting for its all-reduce if need be), then
// sends the fragment whose sync step this is, then resumes. With τ = 0 the send and the merge
// are the same sync point, and the replica waits for the all-reduce as in DiLoCo.
class StreamingDilocoMethod final : public Method {
 public:
  StreamingDilocoMethod(const MethodContext& context, const StreamingDilocoSettings& settings)
      : context_(context),
        settings_(settings),
        spacing_(context.inner_steps / settings.fragments),
        phase_(StreamingPhaseSteps(context.inner_steps, settings)),
        replicas_(context.replicas),
        stage_(context.replicas, Stage::kMerge),
        boundary_(context.replicas, 0),
        round_(context.replicas, 0),
        merged_here_(context.replicas, false) {
    for (int p = 0; p < settings.fragments; ++p) {
      std::vector<int> tensors;
      for (std::size_t k = 0; k < context.parameter_layers.size(); ++k) {
        if (context.parameter_layers[k] % settings.fragments == p) tensors.push_back(int(k));
      }
      bytes_.push_back(
          WireFragment(context, settings.outer.compression, tensors, settings.fragments));
      tensors_.push_back(std::move(tensors));
    }
  }

  int inner_steps() const override { return phase_; }
  Bytes sync_message_bytes() const override {
    return *std::max_element(bytes_.begin(), bytes_.end());
  }

  void OnSyncPoint(int replica, int round, SyncHost& host) override {
    boundary_[replica] = static_cast<std::int64_t>(round + 1) * phase_;
    round_[replica] = round;
    stage_[replica] = Stage::kMerge;
    merged_here_[replica] = false;
    Continue(replica, host);
  }

 private:
  enum class Stage { kMerge, kSend, kResume };

  // One fragment's all-reduce, keyed by its sync step.
  struct Sync {
    int fragment = 0;
    int sent = 0;
    bool started = false;
    int merged = 0;
    std::vector<bool> done;     // per replica: its part of the all-reduce is over
    std::vector<bool> waiting;  // per replica: at a sync point, waiting for it
  };

  int FragmentOf(std::int64_t step) const {
    return static_cast<int>((step / spacing_) % settings_.fragments);
  }
  bool IsSyncStep(std::int64_t step) const { return step > 0 && step % spacing_ == 0; }
  // A sync whose merge would fall after the last step is not begun.
  bool SendsAt(std::int64_t step) const {
    return IsSyncStep(step) && step + settings_.overlap_steps <= context_.total_steps;
  }

  void Continue(int replica, SyncHost& host) {
    const std::int64_t b = boundary_[replica];
    const int tau = settings_.overlap_steps;
    if (stage_[replica] == Stage::kMerge) {
      stage_[replica] = Stage::kSend;
      if (tau > 0 && SendsAt(b - tau)) {
        Sync& sync = syncs_.at(b - tau);
        if (!sync.done[replica]) {
          sync.waiting[replica] = true;
          const int self[] = {replica};
          if (sync.started) host.BeginSync(self);  // in flight: the wait is communication
          return;                                  // OnRankDone continues
        }
        Merge(replica, b - tau, host);
      }
    }
    if (stage_[replica] == Stage::kSend) {
      stage_[replica] = Stage::kResume;
      if (SendsAt(b)) {
        Send(replica, b, host);
        if (tau == 0) return;  // waits for the all-reduce, merged in OnRankDone
      }
    }
    // A sync event is a merge: its latency is what the replica waited for the all-reduce
    // (zero when the overlap hid it). Sends and empty boundaries are not sync events.
    host.Resume(replica, /*synced=*/merged_here_[replica]);
  }

  void Send(int replica, std::int64_t step, SyncHost& host) {
    const int fragment = FragmentOf(step);
    const int self[] = {replica};
    host.ApplyOuterUpdate(
        self, round_[replica],
        FragmentSendUpdate{step, tensors_[fragment], settings_.outer.compression, replicas_},
        host.now());
    auto [it, fresh] = syncs_.try_emplace(step);
    Sync& sync = it->second;
    if (fresh) {
      sync.fragment = fragment;
      sync.done.assign(replicas_, false);
      sync.waiting.assign(replicas_, false);
    }
    if (settings_.overlap_steps == 0) sync.waiting[replica] = true;
    if (++sync.sent < replicas_) return;
    // Every replica has sent: the all-reduce starts now, and those waiting for it stop idling.
    sync.started = true;
    std::vector<int> everyone(replicas_), waiting;
    std::iota(everyone.begin(), everyone.end(), 0);
    for (int r = 0; r < replicas_; ++r) {
      if (sync.waiting[r]) waiting.push_back(r);
    }
    if (!waiting.empty()) host.BeginSync(waiting);
    CollectiveSetup setup = host.CollectiveAmong(everyone, bytes_[fragment]);
    RankDone done = [this, step, &host](int rank, SimTime) { OnRankDone(step, rank, host); };
    if (settings_.outer.compression.format == trainers::WireFormat::kTopK) {
      StartGroupExchange(std::move(setup), {everyone}, std::move(done));
    } else {
      const CollectiveSpec spec{settings_.algorithm, setup.bytes};
      StartCollective(spec, std::move(setup), std::move(done));
    }
  }

  void OnRankDone(std::int64_t step, int replica, SyncHost& host) {
    Sync& sync = syncs_.at(step);
    sync.done[replica] = true;
    if (!sync.waiting[replica]) return;  // still computing: it merges at its merge point
    sync.waiting[replica] = false;
    Merge(replica, step, host);  // may free `sync`
    Continue(replica, host);
  }

  void Merge(int replica, std::int64_t step, SyncHost& host) {
    Sync& sync = syncs_.at(step);
    const int self[] = {replica};
    host.ApplyOuterUpdate(
        self, round_[replica],
        FragmentMergeUpdate{step, tensors_[sync.fragment], settings_.outer, settings_.merge_alpha},
        host.now());
    merged_here_[replica] = true;
    if (++sync.merged == replicas_) syncs_.erase(step);
  }

  MethodContext context_;
  StreamingDilocoSettings settings_;
  int spacing_;  // H/P: steps between two fragments' syncs
  int phase_;
  int replicas_;
  std::vector<std::vector<int>> tensors_;  // per fragment
  std::vector<Bytes> bytes_;               // per fragment, per rank
  std::vector<Stage> stage_;
  std::vector<std::int64_t> boundary_;
  std::vector<int> round_;         // per replica: the round of its current sync point
  std::vector<bool> merged_here_;  // per replica: it merged at its current sync point
  std::map<std::int64_t, Sync> syncs_;
};

std::shared_ptr<const MethodSettings> ReadStreamingDiloco(const JsonReader& r, MethodSpec&, int) {
  auto s = std::make_shared<StreamingDilocoSettings>();
  s->fragments = IntIn(r.Field("fragments"), 1, 1024, "a fragment count in [1, 1024]");
  Optional(r, "overlap_steps", s->overlap_steps,
           [](const JsonReader& v) { return IntIn(v, 0, 1 << 20, "a step count >= 0"); });
  Optional(r, "merge_alpha", s->merge_alpha,
           [](const JsonReader& v) { return NumberIn(v, 0, 1, "a weight in [0, 1]"); });
  s->algorithm = ReadAllReduceAlgorithm(r);
  s->outer = ReadDilocoOuter(r, kStreamingOuterLr);
  return s;
}

}  // namespace

int StreamingPhaseSteps(int inner_steps, const StreamingDilocoSettings& settings) {
  const int spacing = inner_steps / settings.fragments;
  return settings.overlap_steps == 0 ? spacing : std::gcd(spacing, settings.overlap_steps);
}

void StreamingDilocoSettings::Echo(nlohmann::ordered_json& method) const {
  method["fragments"] = fragments;
  method["overlap_steps"] = overlap_steps;
  method["merge_alpha"] = merge_alpha;
  method["algorithm"] = algorithm;
  EchoDilocoOuter(outer, method);
}

std::unique_ptr<Method> StreamingDilocoSettings::Make(const MethodContext& context) const {
  return std::make_unique<StreamingDilocoMethod>(context, *this);
}

MethodKind StreamingDilocoKind() {
  return {"streaming_diloco",
          {"fragments", "overlap_steps", "merge_alpha", "algorithm", "outer_optimizer", "outer_lr",
           "outer_momentum", "compression"},
          ReadStreamingDiloco};
}

}  // namespace locosim
