// DiLoCo's outer step (Douillard et al. 2023; docs/algorithms.md, "DiLoCo"): the group's mean
// outer gradient g = mean_j(phi_j - theta_j), one outer-optimizer step on phi, and every
// member restarts its inner phase from the new phi. Inner optimizer state is not touched.
#pragma once

#include <torch/types.h>

#include <span>

#include "locosim/outer/outer_config.h"
#include "locosim/outer/outer_weights.h"

namespace locosim::trainers {

// One outer-optimizer step on one tensor, in place: Nesterov exactly as torch.optim.SGD with
// nesterov=True and no dampening (a zero buffer makes the first step's b equal g, as torch's
// lazily created buffer does), or heavy-ball m <- mu m - lr g; phi <- phi + m.
void DilocoUpdate(torch::Tensor& phi, torch::Tensor& momentum, const torch::Tensor& outer_gradient,
                  const DilocoOuterConfig& config);

// The whole outer step for a group (DiLoCo: every replica). Each member steps its own phi and
// momentum with the shared mean gradient, so members that started equal stay equal; then
// theta_i <- phi_i. REQUIRES: non-empty group, all lists the same shapes.
void DilocoOuterStep(std::span<const OuterWeights> group, const DilocoOuterConfig& config);

}  // namespace locosim::trainers
