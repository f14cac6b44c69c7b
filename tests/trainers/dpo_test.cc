// The DPO loss against the reference values of docs/algorithms.md §8 (ln 2 when policy = reference;
// the worked case h = 0.7, L = 0.658759556, dL/dh = −0.048250714), its stability at large margins,
// masked sequence log-probabilities against a loop over tokens, and APO's extrapolation: α = 0 is
// iterative DPO bit for bit, and the exact-proximal toy recursion.
#include <gtest/gtest.h>

#include <cmath>

#include "locosim/preference/dpo.h"

namespace locosim {
namespace {

torch::Tensor Scalar(double v, bool grad = false) {
  return torch::tensor({v}, torch::dtype(torch::kFloat64).requires_grad(grad));
}

TEST(Dpo, PolicyEqualToReferenceGivesLnTwo) {
  const auto t = DpoLoss(Scalar(-3.1), Scalar(-4.2), Scalar(-3.1), Scalar(-4.2), 0.1);
  EXPECT_NEAR(t.loss.item<double>(), 0.693147181, 1e-9);
  EXPECT_EQ(t.accuracy.item<double>(), 0.0);  // h = 0 is not a win
}

TEST(Dpo, WorkedCaseLossAndGradient) {
  torch::Tensor chosen = Scalar(-1, true), rejected = Scalar(-2, true);
  const auto t = DpoLoss(chosen, rejected, Scalar(-1.2), Scalar(-1.5), 0.1);
  EXPECT_NEAR(t.margin.item<double>(), 0.7, 1e-12);
  EXPECT_NEAR(t.loss.item<double>(), 0.658759556, 1e-9);
  t.loss.backward();
  // dL/dh = −β·σ(−βh); h grows with the chosen log-probability and falls with the rejected.
  EXPECT_NEAR(chosen.grad().item<double>(), -0.048250714, 1e-9);
  EXPECT_NEAR(rejected.grad().item<double>(), 0.048250714, 1e-9);
  EXPECT_EQ(t.accuracy.item<double>(), 1.0);
}

TEST(Dpo, LargeMarginsStayFiniteWithTheirGradient) {
  torch::Tensor chosen = Scalar(-20000, true);
  const auto t = DpoLoss(chosen, Scalar(-1), Scalar(-1), Scalar(-1), 0.1);  // βh = −1999.9
  EXPECT_TRUE(std::isfinite(t.loss.item<double>()));
  EXPECT_NEAR(t.loss.item<double>(), 1999.9, 1e-6);
  t.loss.backward();
  EXPECT_NEAR(chosen.grad().item<double>(), -0.1, 1e-12);  // −β·σ(+1999.9) = −β
}

TEST(Dpo, SequenceLogProbsSumOnlyTheResponseTokens) {
  torch::manual_seed(3);
  const torch::Tensor logits = torch::randn({2, 5, 7}, torch::kFloat64);
  const torch::Tensor targets = torch::randint(0, 7, {2, 5}, torch::kInt64);
  const torch::Tensor mask =
      torch::tensor({0, 0, 1, 1, 0, 0, 1, 1, 1, 1}, torch::kBool).view({2, 5});  // prompt, pad
  const torch::Tensor got = SequenceLogProbs(logits, targets, mask);
  for (int b = 0; b < 2; ++b) {
    double want = 0;
    for (int t = 0; t < 5; ++t) {
      if (!mask[b][t].item<bool>()) continue;
      const torch::Tensor row = logits[b][t];
      want += row[targets[b][t].item<long>()].item<double>() -
              std::log(torch::exp(row).sum().item<double>());
    }
    EXPECT_NEAR(got[b].item<double>(), want, 1e-12) << "sequence " << b;
  }
}

TEST(Apo, AlphaZeroIsIterativeDpoBitForBit) {
  torch::manual_seed(5);
  std::vector<torch::Tensor> result = {torch::randn({3, 4}), torch::randn({4})};
  const std::vector<torch::Tensor> before = {result[0].clone(), result[1].clone()};
  const std::vector<torch::Tensor> previous = {torch::randn({3, 4}), torch::randn({4})};
  ApoExtrapolate(result, previous, 0.0);
  for (std::size_t i = 0; i < result.size(); ++i) EXPECT_TRUE(torch::equal(result[i], before[i]));
  ApoExtrapolate(result, previous, 0.3);
  EXPECT_TRUE(torch::allclose(result[1], before[1] + 0.3 * (before[1] - previous[1])));
}

TEST(Apo, ExactProximalToyCoefficients) {
  // Each exact round adds r/β to log π: ĉ_{t+1} = c_t + 1, then c_{t+1} = ĉ_{t+1} +
  // α·(ĉ_{t+1} − ĉ_t), here as the extrapolation of a one-element "weight" c.
  std::vector<torch::Tensor> c = {torch::zeros({1}, torch::kFloat64)};
  torch::Tensor previous_hat = torch::zeros({1}, torch::kFloat64);
  const double want[] = {1.3, 2.69, 4.107};
  for (double expected : want) {
    std::vector<torch::Tensor> hat = {c[0] + 1};
    const torch::Tensor this_hat = hat[0].clone();
    ApoExtrapolate(hat, {previous_hat}, 0.3);
    previous_hat = this_hat;
    c = hat;
    EXPECT_NEAR(c[0].item<double>(), expected, 1e-12);
  }
  EXPECT_NEAR(previous_hat.item<double>(), 3.69, 1e-12);  // ĉ3
}

}  // namespace
}  // namespace locosim
