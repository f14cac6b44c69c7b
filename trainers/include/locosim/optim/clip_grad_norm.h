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

// The same clipping for C replicas whose parameters are stacked along a leading dimension:
// row c of every gradient is scaled by max_norm / (norm_c + 1e-6) when norm_c, the L2 norm of
// row c over every parameter, exceeds max_norm. Rows are clipped independently, on the device,
// without reading anything back. REQUIRES: max_norm > 0; every gradient defined.
void ClipGradNormPerRow(const std::vector<torch::Tensor>& stacked, double max_norm);

}  // namespace locosim::trainers
