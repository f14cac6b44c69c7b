// Encoding and decoding what an outer step sends (docs/algorithms.md, "Compression"): the data
// plane really quantizes, so the loss shows what a format costs. Each function returns what
// the receiver decodes, as a dense fp32 tensor of the input's shape; the bytes it took on the
// wire are WireBytes (locosim/outer/compression_config.h).
#pragma once

#include <torch/types.h>

#include "locosim/outer/compression_config.h"

namespace locosim::trainers {

// x after a trip through `config`'s dense format (fp32, bf16, int8, int4): what a receiver
// holds. fp32 returns x itself. REQUIRES: config.format is not kTopK.
torch::Tensor WireRoundTrip(const torch::Tensor& x, const CompressionConfig& config);

// Top-k with error feedback, in place on `error` (the sender's buffer, zeros at first):
// e <- decay · e + delta; c = Q(TopK_k(|e|)); e <- e - c. Returns c, dense, zeros outside
// the k sent indices. Ties in |e| go to the lower index, so the choice is reproducible.
torch::Tensor TopKWithErrorFeedback(const torch::Tensor& delta, torch::Tensor& error,
                                    const CompressionConfig& config);

}  // namespace locosim::trainers
