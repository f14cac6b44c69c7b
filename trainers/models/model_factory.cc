#include "locosim/models/model_factory.h"

#include "locosim/models/char_transformer.h"
#include "locosim/models/cnn.h"
#include "locosim/models/mlp.h"

namespace locosim::trainers {

torch::nn::AnyModule MakeModel(const ModelConfig& config, std::int64_t vocab_size,
                               std::int64_t context, std::int64_t image_classes) {
  if (config.kind == "mlp") {
    std::vector<std::int64_t> hidden(config.mlp_hidden.begin(), config.mlp_hidden.end());
    return torch::nn::AnyModule(Mlp(MlpOptions().hidden(hidden).classes(image_classes)));
  }
  if (config.kind == "cnn") {
    return torch::nn::AnyModule(
        Cnn(CnnOptions().channels(config.cnn_channels).classes(image_classes)));
  }
  return torch::nn::AnyModule(CharTransformer(CharTransformerOptions(vocab_size, context)
                                                  .n_layers(config.n_layers)
                                                  .d_model(config.d_model)
                                                  .n_heads(config.n_heads)
                                                  .mlp_ratio(config.mlp_ratio)));
}

torch::Tensor CrossEntropyPerExample(const torch::Tensor& logits, const torch::Tensor& targets) {
  const torch::Tensor flat = logits.reshape({-1, logits.size(-1)});
  const torch::Tensor chosen = flat.gather(1, targets.reshape({-1, 1})).squeeze(1);
  return torch::logsumexp(flat, 1) - chosen;
}

torch::Tensor CrossEntropy(const torch::Tensor& logits, const torch::Tensor& targets) {
  return CrossEntropyPerExample(logits, targets).mean();
}

std::int64_t ParameterCount(const torch::nn::Module& model) {
  std::int64_t count = 0;
  for (const auto& p : model.parameters()) count += p.numel();
  return count;
}

}  // namespace locosim::trainers
