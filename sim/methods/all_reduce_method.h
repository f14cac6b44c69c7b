// Methods whose replicas all meet at a global barrier and all-reduce one model-sized buffer
// with a named algorithm: DiLoCo (outer gradients), DDP (gradients, every step), local SGD
// (parameters). Each differs only in the update it applies.
#pragma once

#include <string>
#include <utility>

#include "sim/collectives/collective_by_name.h"
#include "sim/config/json_reader.h"
#include "sim/methods/group_sync_method.h"
#include "sim/methods/method_spec.h"

namespace locosim {

class AllReduceMethod final : public GroupSyncMethod {
 public:
  AllReduceMethod(const MethodContext& context, int inner_steps, std::string algorithm,
                  OuterUpdate update, bool trains_between_syncs = true)
      : AllReduceMethod(context, inner_steps, std::move(algorithm), update, context.payload,
                        /*all_gather=*/false, trains_between_syncs) {}
  // `message` bytes per member; with `all_gather` each member sends them to every other
  // instead of all-reducing (contributions that cannot be summed on the way: top-k).
  AllReduceMethod(const MethodContext& context, int inner_steps, std::string algorithm,
                  OuterUpdate update, Bytes message, bool all_gather,
                  bool trains_between_syncs = true)
      : replicas_(context.replicas),
        inner_steps_(inner_steps),
        algorithm_(std::move(algorithm)),
        payload_(message),
        all_gather_(all_gather),
        update_(update),
        trains_between_syncs_(trains_between_syncs) {}

  int inner_steps() const override { return inner_steps_; }
  bool trains_between_syncs() const override { return trains_between_syncs_; }

 protected:
  std::vector<std::vector<int>> Groups(int, std::span<const int> expected) const override {
    return {std::vector<int>(expected.begin(), expected.end())};
  }
  void StartGroupCollective(CollectiveSetup setup, RankDone on_rank_done) const override {
    if (all_gather_) {
      std::vector<int> ranks(setup.nodes.size());
      for (std::size_t r = 0; r < ranks.size(); ++r) ranks[r] = static_cast<int>(r);
      StartGroupExchange(std::move(setup), {ranks}, std::move(on_rank_done));
      return;
    }
    const CollectiveSpec spec{algorithm_, setup.bytes};  // before `setup` is moved from
    StartCollective(spec, std::move(setup), std::move(on_rank_done));
  }
  Bytes bytes_per_member() const override { return payload_; }
  OuterUpdate Update() const override { return update_; }
  int replica_count() const override { return replicas_; }

 private:
  int replicas_;
  int inner_steps_;
  std::string algorithm_;
  Bytes payload_;
  bool all_gather_;
  OuterUpdate update_;
  bool trains_between_syncs_;
};

// The "algorithm" field of an all-reduce method: one of AllReduceAlgorithms(), default ring.
std::string ReadAllReduceAlgorithm(const JsonReader& method);

}  // namespace locosim
