// A data plane with no tensors: each replica's "weights" are one number, its training
// progress. Inner steps add to it, outer updates average it over the group, and the loss is
// a fixed decreasing function of it. Fast and exact, for testing the engine's timing.
#pragma once

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "sim/dataplane/data_plane.h"

namespace locosim::testing {

// Calls counted across many fakes (the engine makes one per method and drops it after).
struct FakeTally {
  int inner_calls = 0;
  int loads = 0;
};

class FakeDataPlane final : public DataPlane {
 public:
  explicit FakeDataPlane(int replicas, std::int64_t parameters = 1000)
      : progress_(replicas, 0.0), parameters_(parameters) {}

  static double LossAt(double progress) { return 1.0 + 4.0 * std::exp(-progress / 100.0); }

  int replicas() const override { return static_cast<int>(progress_.size()); }
  std::int64_t parameter_count() const override { return parameters_; }
  Bytes model_bytes() const override { return Bytes(4 * parameters_); }
  std::string description() const override { return "fake"; }

  // Phases are computed when begun (the fake has nothing to batch); Finish only reports them.
  void BeginInnerSteps(int replica, int steps) override {
    losses_[replica] = LossAt(progress_[replica]);
    progress_[replica] += steps;
    ++inner_calls;
    if (tally_) ++tally_->inner_calls;
  }
  std::vector<PhaseResult> FinishInnerSteps(std::span<const int> replicas) override {
    std::vector<PhaseResult> done;
    for (int r : replicas) done.push_back({r, losses_.at(r)});
    return done;
  }
  // Every outer update averages progress; DDP's step also advances it by one step.
  std::optional<double> ApplyOuterUpdate(std::span<const int> group,
                                         const OuterUpdate& update) override {
    if (std::holds_alternative<DdpUpdate>(update)) {
      const double loss = LossAt(progress_[group[0]]);
      for (int r : group) progress_[r] += 1;
      return loss;
    }
    Average(group);
    return std::nullopt;
  }
  // A rejoining replica takes its donor's progress; a restart keeps its own.
  void CopyReplica(int to, int from) override { progress_[to] = progress_[from]; }
  void ResetToSlowWeights(int) override {}
  void Snapshot(int id, int replica) override {
    auto& [sum, count] = snapshots_[id];
    sum += progress_[replica];
    ++count;
  }
  EvalMetrics EvaluateSnapshot(int id) override {
    const auto [sum, count] = snapshots_.at(id);
    snapshots_.erase(id);
    return EvalMetrics{LossAt(sum / count), std::exp(LossAt(sum / count)), std::nullopt,
                       std::nullopt};
  }

  // Checkpoints: the state as hex floats (exact) in one text file.
  void SaveState(const std::string& dir) const override {
    std::ofstream out(dir + "/fake.txt");
    out << std::hexfloat << progress_.size();
    for (double p : progress_) out << ' ' << p;
    out << ' ' << snapshots_.size();
    for (const auto& [id, s] : snapshots_) out << ' ' << id << ' ' << s.first << ' ' << s.second;
    out << ' ' << losses_.size();
    for (const auto& [r, loss] : losses_) out << ' ' << r << ' ' << loss;
    if (!out) throw std::runtime_error("cannot write " + dir + "/fake.txt");
  }
  void LoadState(const std::string& dir) override {
    std::ifstream in(dir + "/fake.txt");
    std::size_t n = 0;
    // std::hexfloat does not read back through operator>> in libstdc++: strtod does.
    const auto number = [&] {
      std::string word;
      in >> word;
      return std::strtod(word.c_str(), nullptr);
    };
    in >> n;
    if (!in || n != progress_.size()) throw std::runtime_error("not a fake checkpoint: " + dir);
    for (double& p : progress_) p = number();
    snapshots_.clear();
    in >> n;
    for (std::size_t k = 0; k < n; ++k) {
      int id = 0, count = 0;
      in >> id;
      const double sum = number();
      in >> count;
      snapshots_[id] = {sum, count};
    }
    losses_.clear();
    in >> n;
    for (std::size_t k = 0; k < n; ++k) {
      int r = 0;
      in >> r;
      losses_[r] = number();
    }
    if (!in) throw std::runtime_error("a truncated fake checkpoint: " + dir);
    ++loads;
    if (tally_) ++tally_->loads;
  }
  void CountInto(FakeTally* tally) { tally_ = tally; }

  int inner_calls = 0;
  int loads = 0;

 private:
  void Average(std::span<const int> group) {
    double sum = 0;
    for (int r : group) sum += progress_[r];
    for (int r : group) progress_[r] = sum / static_cast<double>(group.size());
  }

  std::vector<double> progress_;
  std::int64_t parameters_;
  std::map<int, std::pair<double, int>> snapshots_;
  std::map<int, double> losses_;  // replica -> loss of its last phase
  FakeTally* tally_ = nullptr;
};

}  // namespace locosim::testing
