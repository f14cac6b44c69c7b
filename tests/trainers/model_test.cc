// The models: output shapes, causality of the language model, parameter counts.
#include <gtest/gtest.h>
#include <torch/utils.h>

#include "locosim/models/char_transformer.h"
#include "locosim/models/cnn.h"
#include "locosim/models/mlp.h"
#include "locosim/models/model_factory.h"

namespace locosim::trainers {
namespace {

TEST(CharTransformer, LogitsHaveOneRowPerPositionAndToken) {
  CharTransformer model(CharTransformerOptions(50, 16).n_layers(2).d_model(32).n_heads(4));
  const auto tokens = torch::randint(50, {3, 16}, torch::kLong);
  EXPECT_EQ(model(tokens).sizes(), (std::vector<std::int64_t>{3, 16, 50}));
  // Shorter sequences than the context are fine.
  EXPECT_EQ(model(tokens.slice(1, 0, 5)).sizes(), (std::vector<std::int64_t>{3, 5, 50}));
}

TEST(CharTransformer, PositionSeesOnlyThePast) {
  torch::manual_seed(0);
  CharTransformer model(CharTransformerOptions(20, 12).n_layers(2).d_model(16).n_heads(2));
  auto tokens = torch::randint(20, {1, 12}, torch::kLong);
  auto changed = tokens.clone();
  changed.index_put_({0, 7}, (tokens.index({0, 7}) + 1) % 20);  // change the future of t < 7
  torch::NoGradGuard no_grad;
  const auto a = model(tokens), b = model(changed);
  EXPECT_TRUE(torch::equal(a.slice(1, 0, 7), b.slice(1, 0, 7)));
  EXPECT_FALSE(torch::equal(a.slice(1, 7, 8), b.slice(1, 7, 8)));
}

TEST(CharTransformer, ParameterCountMatchesTheArchitecture) {
  const std::int64_t v = 96, c = 32, d = 32, layers = 2, r = 4;
  CharTransformer model(CharTransformerOptions(v, c).n_layers(layers).d_model(d).n_heads(2));
  const std::int64_t block = 2 * (2 * d)          // two LayerNorms
                             + d * 3 * d + 3 * d  // qkv
                             + d * d + d          // attention output
                             + d * r * d + r * d  // MLP in
                             + r * d * d + d;     // MLP out
  const std::int64_t expected = v * d + c * d + layers * block + 2 * d + d * v + v;
  EXPECT_EQ(ParameterCount(*model), expected);
}

TEST(ImageModels, ShapesAndParameterCounts) {
  Mlp mlp(MlpOptions().hidden({32}));
  Cnn cnn(CnnOptions().channels(8));
  const auto images = torch::randn({5, 1, 28, 28});
  EXPECT_EQ(mlp(images).sizes(), (std::vector<std::int64_t>{5, 10}));
  EXPECT_EQ(cnn(images).sizes(), (std::vector<std::int64_t>{5, 10}));
  EXPECT_EQ(ParameterCount(*mlp), 784 * 32 + 32 + 32 * 10 + 10);
  EXPECT_EQ(ParameterCount(*cnn), (9 * 8 + 8) + (8 * 16 * 9 + 16) + (16 * 7 * 7 * 10 + 10));
}

TEST(MakeModel, SameSeedGivesTheSameWeights) {
  ModelConfig config;
  config.n_layers = 1;
  config.d_model = 16;
  config.n_heads = 2;
  torch::manual_seed(9);
  auto a = MakeModel(config, 40, 8);
  torch::manual_seed(9);
  auto b = MakeModel(config, 40, 8);
  const auto pa = a.ptr()->parameters(), pb = b.ptr()->parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (std::size_t k = 0; k < pa.size(); ++k) EXPECT_TRUE(torch::equal(pa[k], pb[k]));
}

TEST(CrossEntropy, IsLogVocabForUniformLogits) {
  const auto logits = torch::zeros({2, 3, 7});
  const auto targets = torch::zeros({2, 3}, torch::kLong);
  EXPECT_NEAR(CrossEntropy(logits, targets).item<double>(), std::log(7.0), 1e-6);
}

}  // namespace
}  // namespace locosim::trainers
