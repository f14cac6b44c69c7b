// NoLoCo (Kolehmainen et al. 2025): every H inner steps each replica joins its group from
// the round's seeded permutation (size 2 by default), waits only for that group, exchanges φ
// and Δ (two model-sized messages each way) and applies the NoLoCo outer step. No global
// barrier. docs/algorithms.md, "NoLoCo".
#pragma once

#include "sim/methods/method_registry.h"

namespace locosim {

struct NolocoSettings final : MethodSettings {
  int group_size = 2;
  NolocoOuterUpdate outer;  // the paper's α 0.5, β 0.7, γ 0.7 unless set

  void Echo(nlohmann::ordered_json& method) const override;
  trainers::CompressionConfig compression() const override { return outer.compression; }
  std::unique_ptr<Method> Make(const MethodContext& context) const override;
};

MethodKind NolocoKind();

}  // namespace locosim
