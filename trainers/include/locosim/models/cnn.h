// A small convolutional classifier for 28x28 grey images: two 3x3 convolutions (padding 1),
// each followed by ReLU and 2x2 max-pooling, then one Linear to the class logits.
// channels 8 gives 9,098 parameters.
#pragma once

#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

namespace locosim::trainers {

struct CnnOptions {
  TORCH_ARG(std::int64_t, channels) = 8;     // first convolution; the second has twice as many
  TORCH_ARG(std::int64_t, image_size) = 28;  // square input side; a multiple of 4
  TORCH_ARG(std::int64_t, classes) = 10;
};

class CnnImpl : public torch::nn::Module {
 public:
  explicit CnnImpl(const CnnOptions& options = {});

  // images: float [batch, 1, image_size, image_size]. Returns logits [batch, classes].
  torch::Tensor forward(const torch::Tensor& images);

 private:
  torch::nn::Conv2d conv1_{nullptr};
  torch::nn::Conv2d conv2_{nullptr};
  torch::nn::Linear classifier_{nullptr};
};
TORCH_MODULE(Cnn);

}  // namespace locosim::trainers
