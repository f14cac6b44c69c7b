// device "cuda": the same replica sets on a GPU. Every test here needs a CUDA LibTorch that
// sees a GPU and is skipped (reported as skipped, not passed) otherwise; tools/gpu_check
// builds against such a LibTorch and fails if they skip.
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <cmath>
#include <string>
#include <vector>

#include "locosim/replicas/replica_set.h"
#include "tiny_configs.h"

namespace locosim::trainers {
namespace {

// GPU kernels sum in other orders than the CPU's (and than each other's), so CUDA is held to
// the stacked-against-loop tolerance, over fewer steps.
constexpr double kCudaLossTolerance = 1e-4;

std::vector<double> CudaTrainingLosses(TrainerConfig c, const std::string& device,
                                       const std::string& batching) {
  c.device = device;
  c.replica_batching = batching;
  ReplicaSet set(c, 4);
  const std::vector<int> replicas = {0, 1, 2, 3}, steps = {10, 10, 10, 9};
  std::vector<double> losses;
  for (int call = 0; call < 3; ++call) {
    for (double loss : set.InnerSteps(replicas, steps)) losses.push_back(loss);
  }
  const std::vector<int> group = {0, 1, 2, 3};
  set.DilocoOuterStep(group, DilocoOuterConfig{});
  losses.push_back(set.DdpStep(group));
  losses.push_back(set.EvaluateMean(group).loss);
  return losses;
}

double CudaWorstRelativeDifference(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::abs(a[i] - b[i]) / std::abs(b[i]));
  return worst;
}

class CudaReplicas : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!torch::cuda::is_available()) GTEST_SKIP() << "needs a CUDA LibTorch and a GPU";
  }
};

TEST_P(CudaReplicas, StackedAndLoopMatchTheCpu) {
  TrainerConfig c = GetParam() == "mlp" ? testing::TinyMlp() : testing::TinyCharLm();
  c.optimizer.max_grad_norm = 1.0;
  const std::vector<double> cpu = CudaTrainingLosses(c, "cpu", "loop");
  for (const std::string batching : {"loop", "stacked"}) {
    const std::vector<double> gpu = CudaTrainingLosses(c, "cuda", batching);
    ASSERT_EQ(gpu.size(), cpu.size());
    const double worst = CudaWorstRelativeDifference(gpu, cpu);
    std::printf("%s/%s on cuda: worst relative difference from the cpu %.3g\n", GetParam().c_str(),
                batching.c_str(), worst);
    EXPECT_LT(worst, kCudaLossTolerance) << batching;
  }
}

INSTANTIATE_TEST_SUITE_P(Models, CudaReplicas, ::testing::Values("char_transformer", "mlp"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace locosim::trainers
