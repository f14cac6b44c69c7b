#include <cassert>

#include "sim/collectives/grouping.h"
#include "sim/config/scenario_json.h"
#include "sim/methods/all_reduce_method.h"
#include "sim/methods/noloco.h"

namespace locosim {

std::vector<std::vector<int>> NoLoCo::Groups(int round) const {
  return RoundGroups(seed_, static_cast<std::uint64_t>(round), replicas_, group_size_);
}

CollectiveSpec NoLoCo::Collective(int) const {
  // φ_j and Δ_j to every other member of the group: twice the model each way.
  return {"exchange", payload_ * 2, 0, 0, group_size_};
}

std::unique_ptr<Method> MakeMethod(const MethodSpec& spec, const Scenario& scenario, Bytes payload) {
  const int n = scenario.replicas;
  const int h = InnerStepsOf(scenario, spec);
  if (spec.kind == "diloco") {
    return std::make_unique<DiLoCo>(n, h, spec.algorithm, payload,
                                    DilocoOuterUpdate{spec.outer_optimizer == "nesterov", spec.outer_lr, spec.outer_momentum});
  }
  if (spec.kind == "noloco") {
    return std::make_unique<NoLoCo>(n, h, spec.group_size, scenario.seed, payload,
                                    NolocoOuterUpdate{spec.alpha, spec.beta, spec.gamma});
  }
  if (spec.kind == "ddp") return std::make_unique<DataParallel>(n, 1, spec.algorithm, payload);
  assert(spec.kind == "local_sgd");
  return std::make_unique<LocalSgd>(n, h, spec.algorithm, payload);
}

}  // namespace locosim
