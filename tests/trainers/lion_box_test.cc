// Lion as constrained optimisation (Chen, Liu et al. 2023; docs/algorithms.md, "Box property"):
// each coordinate moves as x' = (1 - lr wd) x - lr s with |s| <= 1, so for lr wd <= 1 the box
// |x| <= 1/wd is invariant and the excess outside it shrinks at least geometrically.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "locosim/optim/lion.h"

namespace locosim::trainers {
namespace {

// Runs `steps` Lion steps on x with gradients from `gradient(step)`, calling `check(step, x)`
// after each.
template <typename Gradient, typename Check>
void RunLion(torch::Tensor x, double lr, double wd, int steps, Gradient gradient, Check check) {
  x.requires_grad_();
  Lion lion({x}, LionOptions(lr).weight_decay(wd));
  for (int t = 1; t <= steps; ++t) {
    x.mutable_grad() = gradient(t);
    lion.step();
    check(t, x.detach());
  }
}

double InfNorm(const torch::Tensor& x) { return x.abs().max().item<double>(); }

TEST(LionBox, GeometricExampleFromOutsideTheBox) {
  // wd 0.1, lr 0.5, x0 = 100, g = -1 always: x' = 0.95 x + 0.5.
  std::vector<double> xs = {100};
  RunLion(
      torch::tensor({100.0}, torch::kDouble), 0.5, 0.1, 100,
      [](int) { return torch::tensor({-1.0}, torch::kDouble); },
      [&](int, const torch::Tensor& x) { xs.push_back(x.item<double>()); });
  EXPECT_NEAR(xs[1], 95.5, 1e-9);
  EXPECT_NEAR(xs[10], 63.886324531, 1e-9);
  EXPECT_NEAR(xs[100], 10.532847630, 1e-9);
}

TEST(LionBox, BoxIsInvariantForAnyGradientsWhenLrTimesWdAtMostOne) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 3.0);
  for (const auto& [lr, wd] :
       {std::pair{0.5, 0.1}, std::pair{1.0, 1.0}, std::pair{10.0, 0.1}, std::pair{0.01, 2.0}}) {
    const double radius = 1 / wd;
    // Start inside, at and near the faces of the box.
    auto x0 = torch::tensor({radius, -radius, 0.0, 0.99 * radius, -0.5 * radius}, torch::kDouble);
    RunLion(
        x0, lr, wd, 300,
        [&](int) {
          std::vector<double> g(5);
          for (auto& v : g) v = normal(rng);
          return torch::tensor(g, torch::kDouble);
        },
        [&](int t, const torch::Tensor& x) {
          ASSERT_LE(InfNorm(x), radius * (1 + 1e-12))
              << "lr " << lr << " wd " << wd << " step " << t;
        });
  }
}

TEST(LionBox, ExcessShrinksAtLeastGeometrically) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(0.0, 1.0);
  const double lr = 0.3, wd = 0.2, radius = 1 / wd;
  auto x0 = torch::tensor({100.0, -40.0, 7.0}, torch::kDouble);
  const double excess0 = InfNorm(x0) - radius;
  RunLion(
      x0, lr, wd, 200,
      [&](int) {
        return torch::tensor({normal(rng), normal(rng), normal(rng)}, torch::kDouble);
      },
      [&](int t, const torch::Tensor& x) {
        ASSERT_LE(InfNorm(x) - radius, std::pow(1 - lr * wd, t) * excess0 + 1e-9) << "step " << t;
      });
}

TEST(LionBox, BoxIsNotInvariantWhenLrTimesWdExceedsOne) {
  // wd 0.1 (box 10), lr 15, x = 10 on the face, g = +1: (1 - 1.5) * 10 - 15 = -20.
  double x1 = 0;
  RunLion(
      torch::tensor({10.0}, torch::kDouble), 15, 0.1, 1,
      [](int) { return torch::tensor({1.0}, torch::kDouble); },
      [&](int, const torch::Tensor& x) { x1 = x.item<double>(); });
  EXPECT_DOUBLE_EQ(x1, -20);
}

}  // namespace
}  // namespace locosim::trainers
