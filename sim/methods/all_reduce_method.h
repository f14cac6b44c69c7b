// Methods whose replicas all meet at a global barrier and all-reduce one model-sized buffer:
// DiLoCo (outer gradients), DDP (gradients, every step), local SGD (parameters).
#pragma once

#include "sim/methods/method.h"

namespace locosim {

class AllReduceMethod : public Method {
 public:
  AllReduceMethod(int replicas, int inner_steps, std::string algorithm, Bytes payload)
      : replicas_(replicas), inner_steps_(inner_steps), algorithm_(std::move(algorithm)), payload_(payload) {}

  int inner_steps() const override { return inner_steps_; }
  std::vector<std::vector<int>> Groups(int) const override {
    std::vector<int> everyone(replicas_);
    for (int r = 0; r < replicas_; ++r) everyone[r] = r;
    return {everyone};
  }
  CollectiveSpec Collective(int) const override { return {algorithm_, payload_, 0, 0, 2}; }

 private:
  int replicas_;
  int inner_steps_;
  std::string algorithm_;
  Bytes payload_;
};

// Global barrier, all-reduce of the outer gradients φ − θ_i, Nesterov or heavy-ball step.
class DiLoCo final : public AllReduceMethod {
 public:
  DiLoCo(int replicas, int inner_steps, std::string algorithm, Bytes payload, DilocoOuterUpdate update)
      : AllReduceMethod(replicas, inner_steps, std::move(algorithm), payload), update_(update) {}
  std::optional<double> Update(DataPlane& data, std::span<const int> group) const override {
    data.DilocoOuterStep(group, update_);
    return std::nullopt;
  }

 private:
  DilocoOuterUpdate update_;
};

// Gradient all-reduce after every step; the inner optimizer sees the mean gradient.
class DataParallel final : public AllReduceMethod {
 public:
  using AllReduceMethod::AllReduceMethod;
  bool trains_between_syncs() const override { return false; }
  std::optional<double> Update(DataPlane& data, std::span<const int> group) const override {
    return data.DataParallelStep(group);
  }
};

// Local SGD / FedAvg: every H steps, φ ← mean θ_i.
class LocalSgd final : public AllReduceMethod {
 public:
  using AllReduceMethod::AllReduceMethod;
  std::optional<double> Update(DataPlane& data, std::span<const int> group) const override {
    data.AverageModels(group);
    return std::nullopt;
  }
};

}  // namespace locosim
