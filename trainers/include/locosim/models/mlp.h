// A multi-layer perceptron classifier for small images (Fashion-MNIST by default): flatten,
// then Linear + ReLU per hidden layer, then a Linear to the class logits. Torch's default
// initialisation (Kaiming-uniform) from the default generator.
#pragma once

#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <vector>

namespace locosim::trainers {

struct MlpOptions {
  TORCH_ARG(std::int64_t, inputs) = 28 * 28;  // features after flattening an example
  TORCH_ARG(std::vector<std::int64_t>, hidden) = std::vector<std::int64_t>{128};
  TORCH_ARG(std::int64_t, classes) = 10;
};

class MlpImpl : public torch::nn::Module {
 public:
  explicit MlpImpl(const MlpOptions& options = {});

  // images: float [batch, ...] with `inputs` values per example. Returns logits [batch, classes].
  torch::Tensor forward(const torch::Tensor& images);

 private:
  std::vector<torch::nn::Linear> layers_;
};
TORCH_MODULE(Mlp);

}  // namespace locosim::trainers
