// NoLoCo's outer step (Kolehmainen et al. 2025; docs/algorithms.md, "NoLoCo", step 3), for one
// group that exchanged phi_j and theta_j - phi_j:
//   delta_i <- alpha delta_i + beta mean_j(theta_j - phi_j) - gamma (phi_i - mean_j phi_j)
//   phi_i   <- phi_i + delta_i;  theta_i <- phi_i
// The beta term has a plus sign as in the paper's appendix and the authors' code. With the
// group = all replicas (equal phi) the gamma term vanishes and this is DiLoCo heavy-ball with
// mu = alpha, lr = beta.
#pragma once

#include <torch/types.h>

#include <span>

#include "locosim/outer/outer_config.h"
#include "locosim/outer/outer_weights.h"

namespace locosim::trainers {

// One member, one tensor, in place: delta and phi as above.
void NolocoUpdate(torch::Tensor& phi, torch::Tensor& delta, const torch::Tensor& mean_progress,
                  const torch::Tensor& mean_phi, const NolocoOuterConfig& config);

// The whole group: both means are taken before any member changes, then every member updates
// its own phi and delta and sets theta_i <- phi_i. REQUIRES: non-empty group, equal shapes.
void NolocoOuterStep(std::span<const OuterWeights> group, const NolocoOuterConfig& config);

}  // namespace locosim::trainers
