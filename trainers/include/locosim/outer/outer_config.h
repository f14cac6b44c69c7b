// Hyper-parameters of the outer updates (docs/algorithms.md, "Outer optimizers and methods").
// Torch-free, so the engine can name them without including torch.
#pragma once

#include "locosim/outer/compression_config.h"

namespace locosim::trainers {

enum class OuterMomentum {
  // torch.optim.SGD(nesterov=True): b <- mu b + g (b = g at first); phi <- phi - lr (g + mu b).
  kNesterov,
  // m <- mu m - lr g; phi <- phi + m. The NoLoCo paper's DiLoCo, and NoLoCo with n = N.
  kHeavyBall,
};

struct DilocoOuterConfig {
  OuterMomentum momentum_kind = OuterMomentum::kNesterov;
  double lr = 0.7;        // outer learning rate (DiLoCo paper: 0.7)
  double momentum = 0.9;  // mu (DiLoCo: 0.9 Nesterov; NoLoCo paper's DiLoCo: 0.3 heavy-ball)
  // How each member's outer gradient is sent (none by default).
  CompressionConfig compression;
};

// delta_i <- alpha delta_i + beta mean_j(theta_j - phi_j) - gamma (phi_i - mean_j phi_j);
// phi_i <- phi_i + delta_i. Paper defaults; stable for n = 2 when 0.5 < gamma < 1.5.
struct NolocoOuterConfig {
  double alpha = 0.5;  // momentum of delta
  double beta = 0.7;   // step along the group's mean progress
  double gamma = 0.7;  // pull toward the group's mean slow weights
  // How phi_j and theta_j - phi_j are sent to the other members (dense formats only).
  CompressionConfig compression;
};

}  // namespace locosim::trainers
