// NoLoCo: every H steps each replica joins its group from the round's seeded permutation
// (size 2 by default), waits only for that group, exchanges φ and Δ (two model-sized
// messages each way) and applies the NoLoCo outer step. No global barrier.
#pragma once

#include "sim/methods/method.h"

namespace locosim {

class NoLoCo final : public Method {
 public:
  NoLoCo(int replicas, int inner_steps, int group_size, std::uint64_t seed, Bytes payload,
         NolocoOuterUpdate update)
      : replicas_(replicas), inner_steps_(inner_steps), group_size_(group_size), seed_(seed),
        payload_(payload), update_(update) {}

  int inner_steps() const override { return inner_steps_; }
  bool global_barrier() const override { return false; }
  std::vector<std::vector<int>> Groups(int round) const override;
  CollectiveSpec Collective(int round) const override;
  std::optional<double> Update(DataPlane& data, std::span<const int> group) const override {
    data.NolocoOuterStep(group, update_);
    return std::nullopt;
  }

 private:
  int replicas_;
  int inner_steps_;
  int group_size_;
  std::uint64_t seed_;
  Bytes payload_;
  NolocoOuterUpdate update_;
};

}  // namespace locosim
