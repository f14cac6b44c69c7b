#include "stacked/stacked_forward.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "locosim/models/model_factory.h"
#include "stacked/batched_matmul.h"

namespace locosim::trainers {
namespace {

// x [C, N, in], weight [C, out, in], bias [C, out] -> [C, N, out]: torch::nn::Linear per row.
torch::Tensor StackedLinear(const torch::Tensor& x, const torch::Tensor& weight,
                            const torch::Tensor& bias) {
  return BatchedMatmul(x, weight, false, true) + bias.unsqueeze(1);
}

// x [C, N, d], weight and bias [C, d]: torch::nn::LayerNorm (eps 1e-5) with each row's affine.
torch::Tensor StackedLayerNorm(const torch::Tensor& x, const torch::Tensor& weight,
                               const torch::Tensor& bias) {
  const torch::Tensor normed = torch::layer_norm(x, {x.size(-1)}, {}, {}, 1e-5);
  return torch::addcmul(bias.unsqueeze(1), normed, weight.unsqueeze(1));
}

torch::Tensor StackedMlp(const ModelConfig& model, const StackedParameters& p,
                         const torch::Tensor& images) {
  auto x = images.flatten(2);  // [C, batch, features]
  const std::size_t layers = model.mlp_hidden.size() + 1;
  for (std::size_t i = 0; i < layers; ++i) {
    const std::string name = "layer" + std::to_string(i);
    x = StackedLinear(x, p[name + ".weight"], p[name + ".bias"]);
    if (i + 1 < layers) x = torch::relu(x);
  }
  return x;
}

// Causal self-attention of every row's batch at once: the rows and the batch share one product
// over [C * batch * heads, T, head_width], as one replica's heads do.
torch::Tensor StackedAttention(const torch::Tensor& x, const StackedParameters& p,
                               const std::string& block, std::int64_t batch, std::int64_t steps,
                               std::int64_t heads) {
  const auto rows = x.size(0), width = x.size(2), head_width = width / heads;
  const auto qkv = StackedLinear(x, p[block + "qkv.weight"], p[block + "qkv.bias"])
                       .view({rows * batch, steps, 3, heads, head_width})
                       .permute({2, 0, 3, 1, 4})
                       .contiguous()
                       .view({3, rows * batch * heads, steps, head_width});
  // unbind, not qkv[i]: the backward of three selects would be three full-size zero tensors.
  const auto parts = qkv.unbind(0);
  const auto &q = parts[0], &k = parts[1], &v = parts[2];
  auto scores = BatchedMatmul(q, k, false, true) * (1.0 / std::sqrt(double(head_width)));
  const auto future = torch::ones({steps, steps}, x.options().dtype(torch::kBool)).triu(1);
  scores = scores.masked_fill(future, -std::numeric_limits<float>::infinity());
  const auto mixed = BatchedMatmul(torch::softmax(scores, -1), v);
  const auto merged = mixed.view({rows * batch, heads, steps, head_width})
                          .transpose(1, 2)
                          .reshape({rows, batch * steps, width});
  return StackedLinear(merged, p[block + "attention_out.weight"], p[block + "attention_out.bias"]);
}

torch::Tensor StackedCharTransformer(const ModelConfig& model, const StackedParameters& p,
                                     const torch::Tensor& tokens) {
  const auto rows = tokens.size(0), batch = tokens.size(1), steps = tokens.size(2);
  const torch::Tensor& token_table = p["token_embedding.weight"];  // [C, vocab, d]
  const auto vocab = token_table.size(1), width = token_table.size(2);
  // One gather from the rows' tables laid end to end: row c's token t is entry c * vocab + t.
  const auto offsets = torch::arange(rows, tokens.options()).mul_(vocab).view({rows, 1, 1});
  const auto embedded =
      torch::embedding(token_table.reshape({rows * vocab, width}), (tokens + offsets).flatten())
          .view({rows, batch, steps, width});
  const auto positions = p["position_embedding.weight"].narrow(1, 0, steps).unsqueeze(1);
  auto x = (embedded + positions).view({rows, batch * steps, width});
  for (int layer = 0; layer < model.n_layers; ++layer) {
    const std::string b = "block" + std::to_string(layer) + ".";
    const auto attention_in =
        StackedLayerNorm(x, p[b + "attention_norm.weight"], p[b + "attention_norm.bias"]);
    x = x + StackedAttention(attention_in, p, b, batch, steps, model.n_heads);
    const auto mlp_in = StackedLayerNorm(x, p[b + "mlp_norm.weight"], p[b + "mlp_norm.bias"]);
    const auto hidden =
        torch::gelu(StackedLinear(mlp_in, p[b + "mlp_in.weight"], p[b + "mlp_in.bias"]));
    x = x + StackedLinear(hidden, p[b + "mlp_out.weight"], p[b + "mlp_out.bias"]);
  }
  x = StackedLayerNorm(x, p["final_norm.weight"], p["final_norm.bias"]);
  return StackedLinear(x, p["head.weight"], p["head.bias"]).view({rows, batch, steps, vocab});
}

}  // namespace

bool HasStackedForward(const std::string& kind) {
  return kind == "char_transformer" || kind == "mlp";
}

StackedParameters::StackedParameters(std::vector<std::string> names,
                                     std::vector<torch::Tensor> tensors)
    : names_(std::move(names)), tensors_(std::move(tensors)) {}

const torch::Tensor& StackedParameters::operator[](const std::string& name) const {
  const auto it = std::find(names_.begin(), names_.end(), name);
  if (it == names_.end()) throw std::logic_error("stacked model has no parameter " + name);
  return tensors_[static_cast<std::size_t>(it - names_.begin())];
}

torch::Tensor StackedForward(const ModelConfig& model, const StackedParameters& params,
                             const torch::Tensor& inputs) {
  if (model.kind == "mlp") return StackedMlp(model, params, inputs);
  return StackedCharTransformer(model, params, inputs);
}

torch::Tensor StackedCrossEntropy(const torch::Tensor& logits, const torch::Tensor& targets) {
  return CrossEntropyPerExample(logits, targets).view({logits.size(0), -1}).mean(1);
}

}  // namespace locosim::trainers
