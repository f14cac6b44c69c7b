// Streaming DiLoCo (Douillard et al. 2025, arXiv 2501.18512): the model is cut into P
// fragments strided over depth; fragment p syncs every H steps at offset p·H/P, so one
// fragment is on the wire at a time; its all-reduce overlaps τ inner steps of compute, and
// its result is merged into the local fragment as θ ← α·θ_local + (1 − α)·θ_global.
// docs/algorithms.md, "Streaming DiLoCo".
#pragma once

#include <string>

#include "sim/methods/method_registry.h"

namespace locosim {

struct StreamingDilocoSettings final : MethodSettings {
  int fragments = 1;               // P
  int overlap_steps = 1;           // τ
  double merge_alpha = 0.5;        // α
  std::string algorithm = "ring";  // one of AllReduceAlgorithms()
  DilocoOuterUpdate outer;         // Nesterov, lr 0.4 (the paper's), momentum 0.9 unless set

  void Echo(nlohmann::ordered_json& method) const override;
  trainers::CompressionConfig compression() const override { return outer.compression; }
  std::unique_ptr<Method> Make(const MethodContext& context) const override;
};

// The engine's phase for H and these settings: syncs fall every H/P steps and merges τ after
// them, so a phase of gcd(H/P, τ) steps puts every event at a phase boundary.
int StreamingPhaseSteps(int inner_steps, const StreamingDilocoSettings& settings);

MethodKind StreamingDilocoKind();

}  // namespace locosim
