#include "locosim/outer/noloco.h"

#include "locosim/outer/averaging.h"
#include "locosim/outer/compression.h"

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
    if (!config.compression.compresses()) {
      const torch::Tensor mean_progress = Mean(progress);
      const torch::Tensor mean_phi = Mean(phis);
      for (const auto& member : group) {
        torch::Tensor phi = member.phi[k], delta = member.momentum[k];
        NolocoUpdate(phi, delta, mean_progress, mean_phi, config);
        member.theta[k].copy_(phi);
      }
      continue;
    }
    // Each member receives the others' tensors as decoded from the wire and keeps its own
    // exact; the means are taken before anyone changes, as above.
    std::vector<torch::Tensor> sent_progress(group.size()), sent_phis(group.size());
    for (std::size_t i = 0; i < group.size(); ++i) {
      sent_progress[i] = WireRoundTrip(progress[i], config.compression);
      sent_phis[i] = WireRoundTrip(phis[i], config.compression);
    }
    std::vector<torch::Tensor> mean_progress(group.size()), mean_phi(group.size());
    std::vector<torch::Tensor> seen_progress(group.size()), seen_phis(group.size());
    for (std::size_t i = 0; i < group.size(); ++i) {
      for (std::size_t j = 0; j < group.size(); ++j) {
        seen_progress[j] = j == i ? progress[j] : sent_progress[j];
        seen_phis[j] = j == i ? phis[j] : sent_phis[j];
      }
      mean_progress[i] = Mean(seen_progress);
      mean_phi[i] = Mean(seen_phis);
    }
    for (std::size_t i = 0; i < group.size(); ++i) {
      torch::Tensor phi = group[i].phi[k], delta = group[i].momentum[k];
      NolocoUpdate(phi, delta, mean_progress[i], mean_phi[i], config);
      group[i].theta[k].copy_(phi);
    }
  }
}

}  // namespace locosim::trainers
