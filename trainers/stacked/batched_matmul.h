// Products of stacks of small matrices, differentiable: [N, m, k] x [N, k, n] -> [N, m, n],
// either operand read transposed. On the CPU it calls cblas_sgemm once per matrix directly:
// LibTorch 1.13's CPU bmm spends about 7 us of bookkeeping on each matrix, which for a small
// transformer's attention is most of a step (2,048 products of 32x16 by 16x32 matrices took
// 16 ms through torch::bmm and 1.3 ms through this loop on the project's 2-core machine).
// On other devices, or for other types, it is torch::bmm: one batched kernel. Private to
// trainers/.
#pragma once

#include <torch/types.h>

namespace locosim::trainers {

// op(a) @ op(b), where op(x) is x or x transposed in its last two dimensions.
// REQUIRES: a and b are 3-D with equal first dimensions and matching inner sizes.
torch::Tensor BatchedMatmul(const torch::Tensor& a, const torch::Tensor& b,
                            bool transpose_a = false, bool transpose_b = false);

}  // namespace locosim::trainers
