#include "locosim/models/mlp.h"

#include <string>

namespace locosim::trainers {

MlpImpl::MlpImpl(const MlpOptions& options) {
  std::int64_t width = options.inputs();
  std::vector<std::int64_t> outputs = options.hidden();
  outputs.push_back(options.classes());
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    layers_.push_back(
        register_module("layer" + std::to_string(i), torch::nn::Linear(width, outputs[i])));
    width = outputs[i];
  }
}

torch::Tensor MlpImpl::forward(const torch::Tensor& images) {
  auto x = images.flatten(1);
  for (std::size_t i = 0; i + 1 < layers_.size(); ++i) x = torch::relu(layers_[i](x));
  return layers_.back()(x);
}

}  // namespace locosim::trainers
