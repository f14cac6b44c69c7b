// Global-norm gradient clipping, as torch.nn.utils.clip_grad_norm_ does it: one factor for all
// gradients, so the update direction is kept and only its length is capped.
#pragma once

#include <torch/types.h>

#include <vector>

namespace locosim::trainers {

// Scales every defined gradient of `params` in place by max_norm / (norm + 1e-6) when the
// global L2 norm exceeds max_norm; returns the norm before clipping (0 with no gradients).
// REQUIRES: max_norm > 0. Reads one scalar back from the device.
double ClipGradNorm(const std::vector<torch::Tensor>& params, double max_norm);

}  // namespace locosim::trainers
