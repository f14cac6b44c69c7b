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

std::vector<torch::Tensor> MeansByPosition(std::span<const std::vector<torch::Tensor>> members,
                                           std::size_t count) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> at_k(members.size()), means;
  for (std::size_t k = 0; k < count; ++k) {
    for (std::size_t i = 0; i < members.size(); ++i) at_k[i] = members[i][k];
    means.push_back(Mean(at_k));
  }
  return means;
}

void AverageGradients(std::span<const std::vector<torch::Tensor>> members) {
  torch::NoGradGuard no_grad;
  std::vector<std::vector<torch::Tensor>> grads;
  for (const auto& params : members) {
    grads.emplace_back();
    for (const torch::Tensor& p : params) grads.back().push_back(p.grad());
  }
  const std::vector<torch::Tensor> means = MeansByPosition(grads, members[0].size());
  for (const auto& params : members) {
    for (std::size_t k = 0; k < params.size(); ++k) params[k].mutable_grad().copy_(means[k]);
  }
}

}  // namespace locosim::trainers
