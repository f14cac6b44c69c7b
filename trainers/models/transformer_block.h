// One pre-norm transformer block: x + attention(norm(x)), then x + mlp(norm(x)). Private to
// CharTransformer.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <cstdint>

namespace locosim::trainers {

class TransformerBlockImpl : public torch::nn::Module {
 public:
  TransformerBlockImpl(std::int64_t d_model, std::int64_t n_heads, std::int64_t mlp_ratio,
                       std::int64_t context);

  // x: [batch, T, d_model], T <= context. Same shape out.
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::Tensor CausalSelfAttention(const torch::Tensor& x);

  std::int64_t n_heads_;
  torch::nn::LayerNorm attention_norm_{nullptr};
  torch::nn::Linear qkv_{nullptr};  // d -> 3d: queries, keys, values of every head
  torch::nn::Linear attention_out_{nullptr};
  torch::nn::LayerNorm mlp_norm_{nullptr};
  torch::nn::Linear mlp_in_{nullptr};
  torch::nn::Linear mlp_out_{nullptr};
  torch::Tensor causal_mask_;  // bool [context, context], true above the diagonal (the future)
};

}  // namespace locosim::trainers
