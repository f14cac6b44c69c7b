#include "locosim/outer/averaging.h"

namespace locosim::trainers {

torch::Tensor Mean(std::span<const torch::Tensor> tensors) {
  torch::Tensor sum = tensors[0].detach().clone();
  for (std::size_t j = 1; j < tensors.size(); ++j) sum.add_(tensors[j]);
  return sum.div_(static_cast<double>(tensors.size()));
}

void AverageModels(std::span<const OuterWeights> group) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> thetas(group.size());
  for (std::size_t k = 0; k < group[0].theta.size(); ++k) {
    for (std::size_t i = 0; i < group.size(); ++i) thetas[i] = group[i].theta[k];
    const torch::Tensor mean = Mean(thetas);
    for (const auto& member : group) {
      member.phi[k].copy_(mean);
      member.theta[k].copy_(mean);
    }
  }
}

void AverageGradients(std::span<const std::vector<torch::Tensor>> members) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> grads(members.size());
  for (std::size_t k = 0; k < members[0].size(); ++k) {
    for (std::size_t i = 0; i < members.size(); ++i) grads[i] = members[i][k].grad();
    const torch::Tensor mean = Mean(grads);
    for (const auto& params : members) params[k].mutable_grad().copy_(mean);
  }
}

}  // namespace locosim::trainers
