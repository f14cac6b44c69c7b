// A data plane that writes down every call to the one it wraps and every answer, so that a
// killed run can be resumed (sim/engine/checkpoint_store.h). The control plane is
// deterministic, so a resumed run re-simulates it from the start; for the calls made before
// the checkpoint this data plane answers from the journal instead of computing, then the
// wrapped data plane loads the checkpoint's state and the run goes on live.
//
// The journal has one text line per call, in call order: what was asked (checked on replay,
// so that a journal of another scenario or build is refused, not misread) and what was
// answered, each double as the hex of its bits (exact, NaN and its sign included).
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>

#include "sim/dataplane/data_plane.h"

namespace locosim {

// A checkpoint could not be written or read, or its journal does not match the run: one
// line naming the file or the call.
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class JournaledDataPlane final : public DataPlane {
 public:
  // Answers the first `replay_calls` calls from `replay` (the journal an earlier run wrote;
  // may be null when replay_calls is 0) without calling `live`, then, if `then_live`,
  // forwards every call to `live` and appends it to `journal` (else a further call throws:
  // the journal was to be the whole run). Replayed calls are not written again: `journal`
  // continues the file they came from.
  JournaledDataPlane(DataPlane& live, std::istream* replay, std::int64_t replay_calls,
                     std::ostream& journal, bool then_live = true);

  std::int64_t calls() const { return calls_; }
  bool replaying() const { return calls_ < replay_calls_; }
  DataPlane& live() { return live_; }

  int replicas() const override { return live_.replicas(); }
  std::int64_t parameter_count() const override { return live_.parameter_count(); }
  Bytes model_bytes() const override { return live_.model_bytes(); }
  std::vector<std::vector<std::int64_t>> parameter_shapes() const override {
    return live_.parameter_shapes();
  }
  std::vector<int> parameter_layers() const override { return live_.parameter_layers(); }
  std::string description() const override { return live_.description(); }
  bool trains() const override { return live_.trains(); }

  void BeginInnerSteps(int replica, int steps) override;
  std::vector<PhaseResult> FinishInnerSteps(std::span<const int> replicas) override;
  std::optional<double> ApplyOuterUpdate(std::span<const int> group,
                                         const OuterUpdate& update) override;
  void CopyReplica(int to, int from) override;
  void ResetToSlowWeights(int replica) override;
  void Snapshot(int id, int replica) override;
  EvalMetrics EvaluateSnapshot(int id) override;

  void SaveState(const std::string& dir) const override { live_.SaveState(dir); }
  void LoadState(const std::string& dir) override { live_.LoadState(dir); }

 private:
  // While replaying: reads the next journal line, checks that it asks `request`, and
  // returns its answer part. Throws CheckpointError on a mismatch or an early end.
  std::string ReplayAnswer(const std::string& request);
  void Record(const std::string& request, const std::string& answer);
  // Throws unless this data plane may go on live.
  void CheckLive(const std::string& request) const;

  DataPlane& live_;
  std::istream* replay_;
  std::int64_t replay_calls_;
  std::ostream& journal_;
  bool then_live_;
  std::int64_t calls_ = 0;
};

}  // namespace locosim
