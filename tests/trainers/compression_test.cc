// The wire encodings (docs/algorithms.md, "Compression"): worked examples, error bounds on
// random tensors, top-k's error feedback, and the outer steps that send them.
#include <gtest/gtest.h>

#include <vector>

#include "locosim/outer/compression.h"
#include "locosim/outer/diloco.h"
#include "locosim/outer/noloco.h"

namespace locosim::trainers {
namespace {

CompressionConfig Format(WireFormat format, ScaleGroup scale = ScaleGroup::kRow) {
  CompressionConfig c;
  c.format = format;
  c.scale = scale;
  return c;
}

torch::Tensor RandomMatrix(std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  torch::manual_seed(seed);
  // Rows of very different magnitudes, where a per-row scale matters.
  return torch::randn({rows, cols}) * torch::logspace(-3, 1, rows).unsqueeze(1);
}

TEST(WireRoundTrip, Int8WorkedExampleRoundsHalfToEven) {
  const torch::Tensor x = torch::tensor({{1.0f, -0.5f, 0.25f}, {0.0f, 0.0f, 0.0f}});
  const torch::Tensor got = WireRoundTrip(x, Format(WireFormat::kInt8));
  // s = 1/127; -0.5/s = -63.5 -> -64 (half to even); 0.25/s = 31.75 -> 32; zeros stay zero.
  const float s = 1.0f / 127;
  const torch::Tensor want = torch::tensor({{127 * s, -64 * s, 32 * s}, {0.0f, 0.0f, 0.0f}});
  EXPECT_TRUE(torch::equal(got, want)) << got;
}

TEST(WireRoundTrip, IntegerFormatsStayWithinHalfAStepOfTheirScale) {
  const torch::Tensor x = RandomMatrix(32, 100, 1);
  struct Case {
    WireFormat format;
    ScaleGroup scale;
    double levels;
  };
  for (const Case c : {Case{WireFormat::kInt8, ScaleGroup::kRow, 127},
                       Case{WireFormat::kInt8, ScaleGroup::kTensor, 127},
                       Case{WireFormat::kInt4, ScaleGroup::kRow, 7},
                       Case{WireFormat::kInt4, ScaleGroup::kTensor, 7}}) {
    const torch::Tensor got = WireRoundTrip(x, Format(c.format, c.scale));
    const torch::Tensor amax = c.scale == ScaleGroup::kRow ? x.abs().amax(1, /*keepdim=*/true)
                                                           : x.abs().max().expand({32, 1});
    const torch::Tensor bound = amax / (2 * c.levels) * (1 + 1e-5);
    EXPECT_TRUE(((got - x).abs() <= bound).all().item<bool>()) << c.levels;
    // At most 2·levels + 1 distinct values per scale group.
    for (std::int64_t r = 0; r < 32; r += 7) {
      const auto row = c.scale == ScaleGroup::kRow ? got[r] : got.reshape({-1});
      EXPECT_LE(std::get<0>(at::_unique(row)).numel(), 2 * c.levels + 1);
    }
  }
  // The per-row scale keeps small rows accurate; a per-tensor one rounds them to zero.
  const double small_row_error_row =
      (WireRoundTrip(x, Format(WireFormat::kInt8))[0] - x[0]).abs().max().item<double>();
  const double small_row_error_tensor =
      (WireRoundTrip(x, Format(WireFormat::kInt8, ScaleGroup::kTensor))[0] - x[0])
          .abs()
          .max()
          .item<double>();
  EXPECT_LT(small_row_error_row * 100, small_row_error_tensor);
}

TEST(WireRoundTrip, Bf16KeepsEightSignificantBitsAndFp32IsTheIdentity) {
  const torch::Tensor x = RandomMatrix(8, 50, 2);
  const torch::Tensor got = WireRoundTrip(x, Format(WireFormat::kBf16));
  EXPECT_TRUE(((got - x).abs() <= x.abs() * std::ldexp(1.0, -8)).all().item<bool>());
  EXPECT_FALSE(torch::equal(got, x));
  EXPECT_TRUE(WireRoundTrip(x, Format(WireFormat::kFp32)).is_same(x));
}

TEST(TopKWithErrorFeedback, SendsTheLargestAndCarriesTheRestExactly) {
  CompressionConfig topk = Format(WireFormat::kTopK);
  topk.topk_fraction = 0.05;
  torch::Tensor error = torch::zeros({20, 10});
  torch::Tensor sent_total = torch::zeros({20, 10});
  torch::Tensor delta_total = torch::zeros({20, 10});
  for (int round = 0; round < 6; ++round) {
    const torch::Tensor delta = RandomMatrix(20, 10, 10 + round);
    const torch::Tensor before = error.clone() + delta;
    const torch::Tensor sent = TopKWithErrorFeedback(delta, error, topk);
    EXPECT_EQ(sent.count_nonzero().item<std::int64_t>(), 10);  // ceil(0.05 · 200)
    // fp32 values go as they are: the sent entries leave the buffer exactly, and nothing
    // left behind is larger than anything sent.
    const torch::Tensor was_sent = sent != 0;
    EXPECT_TRUE(torch::equal(sent.masked_select(was_sent), before.masked_select(was_sent)));
    EXPECT_EQ(error.masked_select(was_sent).abs().max().item<float>(), 0.0f);
    EXPECT_LE(error.abs().max().item<float>(),
              sent.abs().masked_select(was_sent).min().item<float>());
    sent_total += sent;
    delta_total += delta;
  }
  // Decay 1: everything ever given is either sent or still in the buffer.
  EXPECT_TRUE(torch::allclose(sent_total + error, delta_total, 1e-5, 1e-6));
}

TEST(TopKWithErrorFeedback, DecayShrinksTheBufferAndQuantizedValuesLeaveTheirRoundingInIt) {
  CompressionConfig topk = Format(WireFormat::kTopK);
  topk.topk_fraction = 0.1;
  topk.error_feedback_decay = 0.5;
  topk.topk_values = WireFormat::kInt8;
  torch::Tensor error = torch::zeros({50});
  const torch::Tensor d1 = torch::linspace(-1, 1, 50);
  const torch::Tensor c1 = TopKWithErrorFeedback(d1, error, topk);
  const torch::Tensor e1 = d1 - c1;
  EXPECT_TRUE(torch::allclose(error, e1));
  const torch::Tensor d2 = torch::linspace(1, -1, 50);
  const torch::Tensor c2 = TopKWithErrorFeedback(d2, error, topk);
  EXPECT_TRUE(torch::allclose(error, 0.5 * e1 + d2 - c2, 1e-6, 1e-7));
  // int8 values with one scale: the sent values are within half a step of what was there.
  const torch::Tensor target = 0.5 * e1 + d2;
  const torch::Tensor mask = c2 != 0;
  const double step = target.masked_select(mask).abs().max().item<double>() / 127;
  EXPECT_LE((c2 - target).masked_select(mask).abs().max().item<double>(), step / 2 * (1 + 1e-5));
}

OuterWeights MatrixReplica(const torch::Tensor& theta, const torch::Tensor& phi) {
  return {{theta.clone()}, {phi.clone()}, {torch::zeros_like(phi)}, {torch::zeros_like(phi)}};
}

TEST(CompressedOuterSteps, DilocoMembersStayEqualAndCloseToTheUncompressedStep) {
  const torch::Tensor phi = RandomMatrix(16, 32, 3);
  std::vector<torch::Tensor> thetas;
  for (int i = 0; i < 4; ++i) thetas.push_back(phi + 0.01 * RandomMatrix(16, 32, 20 + i));
  auto step = [&](const CompressionConfig& wire) {
    std::vector<OuterWeights> group;
    for (const torch::Tensor& t : thetas) group.push_back(MatrixReplica(t, phi));
    DilocoOuterConfig config;
    config.compression = wire;
    DilocoOuterStep(group, config);
    for (const OuterWeights& m : group) EXPECT_TRUE(torch::equal(m.phi[0], group[0].phi[0]));
    return group;
  };
  const torch::Tensor exact = step(Format(WireFormat::kFp32))[0].phi[0];
  const torch::Tensor int8 = step(Format(WireFormat::kInt8))[0].phi[0];
  const torch::Tensor int4 = step(Format(WireFormat::kInt4))[0].phi[0];
  const double step_size = (exact - phi).norm().item<double>();
  const double int8_error = (int8 - exact).norm().item<double>();
  const double int4_error = (int4 - exact).norm().item<double>();
  EXPECT_GT(int8_error, 0);
  EXPECT_LT(int8_error, 0.02 * step_size);
  EXPECT_LT(int8_error * 4, int4_error);  // 16 levels are coarser than 255
  EXPECT_LT(int4_error, 0.3 * step_size);

  CompressionConfig topk = Format(WireFormat::kTopK);
  topk.topk_fraction = 0.1;
  const std::vector<OuterWeights> sparse = step(topk);
  // Each member's buffer holds what it did not send: 90% of its outer gradient.
  const torch::Tensor outer_gradient = phi - thetas[0];
  EXPECT_EQ(sparse[0].error_feedback[0].count_nonzero().item<std::int64_t>(),
            outer_gradient.numel() - TopKCount(outer_gradient.numel(), 0.1));
}

TEST(CompressedOuterSteps, NolocoMembersKeepTheirOwnTensorsExact) {
  const torch::Tensor phi0 = RandomMatrix(4, 8, 5), phi1 = RandomMatrix(4, 8, 6);
  const torch::Tensor theta0 = phi0 + 0.1, theta1 = phi1 - 0.1;
  auto step = [&](WireFormat format) {
    std::vector<OuterWeights> pair = {MatrixReplica(theta0, phi0), MatrixReplica(theta1, phi1)};
    NolocoOuterConfig config;
    config.compression = Format(format);
    NolocoOuterStep(pair, config);
    return pair;
  };
  const auto exact = step(WireFormat::kFp32);
  const auto bf16 = step(WireFormat::kBf16);
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(torch::equal(bf16[i].phi[0], exact[i].phi[0]));
    EXPECT_TRUE(torch::allclose(bf16[i].phi[0], exact[i].phi[0], 1e-2, 1e-2));
  }
}

}  // namespace
}  // namespace locosim::trainers
