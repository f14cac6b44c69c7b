// A character-level causal transformer language model (GPT-style, pre-norm): token and learned
// position embeddings, n_layers blocks of causal self-attention and a GELU MLP, each behind a
// LayerNorm with a residual connection, a final LayerNorm and an untied output head.
// No dropout, so a forward pass draws no random numbers.
#pragma once

#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace locosim::trainers {

struct CharTransformerOptions {
  CharTransformerOptions(std::int64_t vocab_size, std::int64_t context)
      : vocab_size_(vocab_size), context_(context) {}
  TORCH_ARG(std::int64_t, vocab_size);  // token ids are in [0, vocab_size)
  TORCH_ARG(std::int64_t, context);     // longest sequence; sizes the position embedding
  TORCH_ARG(std::int64_t, n_layers) = 2;
  TORCH_ARG(std::int64_t, d_model) = 64;  // a multiple of n_heads
  TORCH_ARG(std::int64_t, n_heads) = 4;
  TORCH_ARG(std::int64_t, mlp_ratio) = 4;  // MLP hidden width = mlp_ratio * d_model
};

class TransformerBlockImpl;  // attention + MLP; private to the model

class CharTransformerImpl : public torch::nn::Module {
 public:
  // Weights are drawn from torch's default generator (seed it with torch::manual_seed):
  // N(0, 0.02) for linear and embedding weights, zero biases, as GPT-2 does.
  explicit CharTransformerImpl(const CharTransformerOptions& options);

  // tokens: int64 [batch, T] with T <= context. Returns logits [batch, T, vocab_size];
  // position t sees tokens 0..t only.
  torch::Tensor forward(const torch::Tensor& tokens);

  const CharTransformerOptions& options() const { return options_; }

 private:
  CharTransformerOptions options_;
  torch::nn::Embedding token_embedding_{nullptr};
  torch::nn::Embedding position_embedding_{nullptr};
  std::vector<std::shared_ptr<TransformerBlockImpl>> blocks_;
  torch::nn::LayerNorm final_norm_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(CharTransformer);

}  // namespace locosim::trainers
