#include "locosim/outer/diloco.h"

#include "locosim/outer/averaging.h"
#include "locosim/outer/compression.h"

namespace locosim::trainers {

void DilocoUpdate(torch::Tensor& phi, torch::Tensor& momentum, const torch::Tensor& outer_gradient,
                  const DilocoOuterConfig& config) {
  torch::NoGradGuard no_grad;
  if (config.momentum_kind == OuterMomentum::kNesterov) {
    momentum.mul_(config.momentum).add_(outer_gradient);
    phi.sub_(outer_gradient + config.momentum * momentum, config.lr);
  } else {
    momentum.mul_(config.momentum).sub_(outer_gradient, config.lr);
    phi.add_(momentum);
  }
}

void DilocoOuterStep(std::span<const OuterWeights> group, const DilocoOuterConfig& config) {
  torch::NoGradGuard no_grad;
  const CompressionConfig& wire = config.compression;
  const bool sparse = wire.format == WireFormat::kTopK;
  std::vector<torch::Tensor> differences(group.size());
  for (std::size_t k = 0; k < group[0].theta.size(); ++k) {
    for (std::size_t i = 0; i < group.size(); ++i) {
      differences[i] = group[i].phi[k] - group[i].theta[k];
      // What member i puts on the wire, as every receiver decodes it.
      if (sparse) {
        torch::Tensor error = group[i].error_feedback[k];
        differences[i] = TopKWithErrorFeedback(differences[i], error, wire);
      } else {
        differences[i] = WireRoundTrip(differences[i], wire);
      }
    }
    torch::Tensor outer_gradient = Mean(differences);
    // A dense compressed all-reduce (torchft's: quantized reduce-scatter, sums in fp32,
    // quantized all-gather) encodes the reduced chunks once more; top-k's contributions are
    // all-gathered and every member sums them itself.
    if (wire.compresses() && !sparse) outer_gradient = WireRoundTrip(outer_gradient, wire);
    for (const auto& member : group) {
      torch::Tensor phi = member.phi[k], momentum = member.momentum[k];
      DilocoUpdate(phi, momentum, outer_gradient, config);
      member.theta[k].copy_(phi);
    }
  }
}

}  // namespace locosim::trainers
