// Local SGD / FedAvg: every H inner steps a global barrier and an all-reduce of the
// parameters, φ ← mean θ_i (outer SGD with lr 1 and no momentum). docs/algorithms.md.
#pragma once

#include <string>

#include "sim/methods/method_registry.h"

namespace locosim {

struct LocalSgdSettings final : MethodSettings {
  std::string algorithm = "ring";  // one of AllReduceAlgorithms()

  void Echo(nlohmann::ordered_json& method) const override;
  std::unique_ptr<Method> Make(const MethodContext& context) const override;
};

MethodKind LocalSgdKind();

}  // namespace locosim
