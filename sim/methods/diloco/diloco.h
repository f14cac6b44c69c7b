// DiLoCo (Douillard et al. 2023): every H inner steps a global barrier, an all-reduce of the
// outer gradients φ − θ_i, and one Nesterov (the paper's) or heavy-ball (the NoLoCo paper's)
// outer step on φ. docs/algorithms.md, "DiLoCo".
#pragma once

#include <string>

#include "sim/methods/method_registry.h"

namespace locosim {

struct DilocoSettings final : MethodSettings {
  std::string algorithm = "ring";  // one of AllReduceAlgorithms()
  DilocoOuterUpdate outer;         // Nesterov, lr 0.7, momentum 0.9 unless set

  void Echo(nlohmann::ordered_json& method) const override;
  trainers::CompressionConfig compression() const override { return outer.compression; }
  std::unique_ptr<Method> Make(const MethodContext& context) const override;
};

MethodKind DilocoKind();

// DiLoCo's outer-optimizer fields ("outer_optimizer", "outer_lr", "outer_momentum",
// "compression"), shared with Streaming DiLoCo, and their resolved form.
DilocoOuterUpdate ReadDilocoOuter(const JsonReader& r, double default_lr);
void EchoDilocoOuter(const DilocoOuterUpdate& outer, nlohmann::ordered_json& method);

}  // namespace locosim
