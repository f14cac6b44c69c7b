// The DPO loss and its gradient through a small model against PyTorch 1.13: a bigram model
// (embedding E [5, 3] times W [3, 5]) on two pairs with a 2-token prompt and padding, in
// float64. The values were printed by tools/reference/dpo_small_model.py (Debian's
// python3-torch), which computes the masked log-probabilities and the loss its own way.
#include <gtest/gtest.h>

#include <cmath>

#include "locosim/preference/dpo.h"

namespace locosim {
namespace {

constexpr int kVocab = 5, kWidth = 3;
constexpr double kBeta = 0.1;

std::pair<torch::Tensor, torch::Tensor> Weights(double shift) {
  torch::Tensor e = torch::empty({kVocab, kWidth}, torch::kFloat64);
  torch::Tensor w = torch::empty({kWidth, kVocab}, torch::kFloat64);
  for (int i = 0; i < kVocab; ++i) {
    for (int j = 0; j < kWidth; ++j) e[i][j] = 0.5 * std::sin(1 + i * kWidth + j + shift);
  }
  for (int i = 0; i < kWidth; ++i) {
    for (int j = 0; j < kVocab; ++j) w[i][j] = 0.7 * std::cos(2 + i * kVocab + j - shift);
  }
  return {e, w};
}

TEST(DpoReference, SmallModelLossAndGradientMatchPyTorch) {
  const torch::Tensor inputs =
      torch::tensor({0, 1, 2, 3, 4, 3, 2, 0, 0, 1, 3, 2, 4, 3, 0, 0}, torch::kInt64).view({4, 4});
  const torch::Tensor targets =
      torch::tensor({1, 2, 3, 4, 3, 2, 1, 0, 1, 3, 2, 4, 3, 0, 1, 0}, torch::kInt64).view({4, 4});
  const torch::Tensor mask =
      torch::tensor({0, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 0}, torch::kBool).view({4, 4});
  auto [e, w] = Weights(0.0);
  e.requires_grad_();
  w.requires_grad_();
  const auto [e_ref, w_ref] = Weights(1.0);
  auto logits = [&](const torch::Tensor& emb, const torch::Tensor& out) {
    return torch::matmul(emb.index_select(0, inputs.flatten()).view({4, 4, kWidth}), out);
  };
  const torch::Tensor policy = SequenceLogProbs(logits(e, w), targets, mask);
  const torch::Tensor reference = SequenceLogProbs(logits(e_ref, w_ref), targets, mask).detach();
  const DpoTerms terms = DpoLossOfRows(policy, reference, kBeta);
  terms.loss.backward();

  const double policy_want[] = {-4.919794719263, -3.015025564592, -4.263305675184, -3.915171298410};
  for (int r = 0; r < 4; ++r) EXPECT_NEAR(policy[r].item<double>(), policy_want[r], 1e-11) << r;
  EXPECT_NEAR(terms.margin[0].item<double>(), 0.194612160697, 1e-11);
  EXPECT_NEAR(terms.margin[1].item<double>(), -0.092548393581, 1e-11);
  EXPECT_NEAR(terms.loss.item<double>(), 0.690624610426, 1e-11);
  EXPECT_EQ(terms.accuracy.item<double>(), 0.5);
  const double dw0[] = {-7.149953523228e-03, 2.141452033157e-03, 9.179235716656e-03,
                        -1.806623070265e-02, 1.389549647606e-02};
  for (int j = 0; j < kVocab; ++j) EXPECT_NEAR(w.grad()[0][j].item<double>(), dw0[j], 1e-13) << j;
  const double de3[] = {-2.379151667862e-02, 1.340657396057e-02, 3.139739281707e-02};
  for (int j = 0; j < kWidth; ++j) EXPECT_NEAR(e.grad()[3][j].item<double>(), de3[j], 1e-13) << j;
  EXPECT_NEAR(w.grad().norm().item<double>(), 4.906856456940e-02, 1e-13);
  EXPECT_NEAR(e.grad().norm().item<double>(), 6.388390352775e-02, 1e-13);
}

}  // namespace
}  // namespace locosim
