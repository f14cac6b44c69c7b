#include "locosim/outer/noloco.h"

#include "locosim/outer/averaging.h"

namespace locosim::trainers {

void NolocoUpdate(torch::Tensor& phi, torch::Tensor& delta, const torch::Tensor& mean_progress,
                  const torch::Tensor& mean_phi, const NolocoOuterConfig& config) {
  torch::NoGradGuard no_grad;
  delta.mul_(config.alpha).add_(mean_progress, config.beta).sub_(phi - mean_phi, config.gamma);
  phi.add_(delta);
}

void NolocoOuterStep(std::span<const OuterWeights> group, const NolocoOuterConfig& config) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> progress(group.size()), phis(group.size());
  for (std::size_t k = 0; k < group[0].theta.size(); ++k) {
    for (std::size_t i = 0; i < group.size(); ++i) {
      progress[i] = group[i].theta[k] - group[i].phi[k];
      phis[i] = group[i].phi[k];
    }
    const torch::Tensor mean_progress = Mean(progress);
    const torch::Tensor mean_phi = Mean(phis);
    for (const auto& member : group) {
      torch::Tensor phi = member.phi[k], delta = member.momentum[k];
      NolocoUpdate(phi, delta, mean_progress, mean_phi, config);
      member.theta[k].copy_(phi);
    }
  }
}

}  // namespace locosim::trainers
