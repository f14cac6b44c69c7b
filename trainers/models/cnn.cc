#include "locosim/models/cnn.h"

namespace locosim::trainers {

CnnImpl::CnnImpl(const CnnOptions& options) {
  const auto c = options.channels();
  const auto side = options.image_size() / 4;  // after two 2x2 poolings
  TORCH_CHECK(options.image_size() % 4 == 0, "image_size must be a multiple of 4");
  conv1_ =
      register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, c, 3).padding(1)));
  conv2_ =
      register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(c, 2 * c, 3).padding(1)));
  classifier_ =
      register_module("classifier", torch::nn::Linear(2 * c * side * side, options.classes()));
}

torch::Tensor CnnImpl::forward(const torch::Tensor& images) {
  auto x = torch::max_pool2d(torch::relu(conv1_(images)), 2);
  x = torch::max_pool2d(torch::relu(conv2_(x)), 2);
  return classifier_(x.flatten(1));
}

}  // namespace locosim::trainers
