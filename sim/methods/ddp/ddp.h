// DDP: an all-reduce of the gradients after every step; every replica's inner optimizer
// applies the mean gradient. docs/algorithms.md, "Baselines".
#pragma once

#include <string>

#include "sim/methods/method_registry.h"

namespace locosim {

struct DdpSettings final : MethodSettings {
  std::string algorithm = "ring";  // one of AllReduceAlgorithms()

  void Echo(nlohmann::ordered_json& method) const override;
  bool trains_between_syncs() const override { return false; }
  std::unique_ptr<Method> Make(const MethodContext& context) const override;
};

MethodKind DdpKind();

}  // namespace locosim
