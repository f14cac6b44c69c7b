#include "locosim/models/char_transformer.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/init.h>

#include <cmath>
#include <limits>
#include <string>

#include "models/transformer_block.h"

namespace locosim::trainers {
namespace {

constexpr double kInitStd = 0.02;  // GPT-2's initialisation

void InitLinear(torch::nn::Linear& linear) {
  torch::NoGradGuard no_grad;
  torch::nn::init::normal_(linear->weight, 0.0, kInitStd);
  if (linear->bias.defined()) torch::nn::init::zeros_(linear->bias);
}

}  // namespace

TransformerBlockImpl::TransformerBlockImpl(std::int64_t d_model, std::int64_t n_heads,
                                           std::int64_t mlp_ratio, std::int64_t context)
    : n_heads_(n_heads) {
  const auto norm = [&] { return torch::nn::LayerNormOptions({d_model}); };
  attention_norm_ = register_module("attention_norm", torch::nn::LayerNorm(norm()));
  qkv_ = register_module("qkv", torch::nn::Linear(d_model, 3 * d_model));
  attention_out_ = register_module("attention_out", torch::nn::Linear(d_model, d_model));
  mlp_norm_ = register_module("mlp_norm", torch::nn::LayerNorm(norm()));
  mlp_in_ = register_module("mlp_in", torch::nn::Linear(d_model, mlp_ratio * d_model));
  mlp_out_ = register_module("mlp_out", torch::nn::Linear(mlp_ratio * d_model, d_model));
  for (auto* linear : {&qkv_, &attention_out_, &mlp_in_, &mlp_out_}) InitLinear(*linear);
  causal_mask_ = register_buffer(
      "causal_mask", torch::ones({context, context}, torch::kBool).triu(/*diagonal=*/1));
}

torch::Tensor TransformerBlockImpl::CausalSelfAttention(const torch::Tensor& x) {
  const auto batch = x.size(0), steps = x.size(1), width = x.size(2);
  const auto head_width = width / n_heads_;
  // [batch, T, 3d] -> three [batch * heads, T, head_width]. Contiguous on purpose: CPU bmm runs
  // one small mm per matrix, and strided operands cost ~25% more on a tiny model.
  const auto qkv = qkv_(x)
                       .view({batch, steps, 3, n_heads_, head_width})
                       .permute({2, 0, 3, 1, 4})
                       .contiguous()
                       .view({3, batch * n_heads_, steps, head_width});
  const auto q = qkv[0], k = qkv[1], v = qkv[2];
  auto scores = torch::bmm(q, k.transpose(1, 2)) * (1.0 / std::sqrt(double(head_width)));
  scores = scores.masked_fill(causal_mask_.slice(0, 0, steps).slice(1, 0, steps),
                              -std::numeric_limits<float>::infinity());
  const auto mixed = torch::bmm(torch::softmax(scores, -1), v);  // [batch * heads, T, hw]
  return attention_out_(mixed.view({batch, n_heads_, steps, head_width})
                            .transpose(1, 2)
                            .reshape({batch, steps, width}));
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x) {
  auto h = x + CausalSelfAttention(attention_norm_(x));
  return h + mlp_out_(torch::gelu(mlp_in_(mlp_norm_(h))));
}

CharTransformerImpl::CharTransformerImpl(const CharTransformerOptions& options)
    : options_(options) {
  const auto d = options.d_model();
  TORCH_CHECK(d % options.n_heads() == 0, "d_model must be a multiple of n_heads");
  token_embedding_ =
      register_module("token_embedding", torch::nn::Embedding(options.vocab_size(), d));
  position_embedding_ =
      register_module("position_embedding", torch::nn::Embedding(options.context(), d));
  {
    torch::NoGradGuard no_grad;
    torch::nn::init::normal_(token_embedding_->weight, 0.0, kInitStd);
    torch::nn::init::normal_(position_embedding_->weight, 0.0, kInitStd);
  }
  for (std::int64_t i = 0; i < options.n_layers(); ++i) {
    blocks_.push_back(
        register_module("block" + std::to_string(i),
                        std::make_shared<TransformerBlockImpl>(
                            d, options.n_heads(), options.mlp_ratio(), options.context())));
  }
  final_norm_ =
      register_module("final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  head_ = register_module("head", torch::nn::Linear(d, options.vocab_size()));
  InitLinear(head_);
}

torch::Tensor CharTransformerImpl::forward(const torch::Tensor& tokens) {
  const auto steps = tokens.size(1);
  TORCH_CHECK(steps <= options_.context(), "sequence longer than the model's context");
  const auto positions = torch::arange(steps, tokens.options().dtype(torch::kLong));
  auto x = token_embedding_(tokens) + position_embedding_(positions);
  for (const auto& block : blocks_) x = block->forward(x);
  return head_(final_norm_(x));
}

}  // namespace locosim::trainers
