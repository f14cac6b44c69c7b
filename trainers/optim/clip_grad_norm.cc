#include "locosim/optim/clip_grad_norm.h"

#include <cmath>

namespace locosim::trainers {

double ClipGradNorm(const std::vector<torch::Tensor>& params, double max_norm) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> squares;
  for (const auto& p : params) {
    if (p.grad().defined()) squares.push_back(p.grad().pow(2).sum().to(torch::kDouble));
  }
  if (squares.empty()) return 0.0;
  const double norm = std::sqrt(torch::stack(squares).sum().item<double>());
  // Same epsilon as PyTorch, so a clipped step matches torch's to the last bit of the factor.
  const double factor = max_norm / (norm + 1e-6);
  if (factor < 1.0) {
    for (const auto& p : params) {
      if (p.grad().defined()) p.grad().mul_(factor);
    }
  }
  return norm;
}

}  // namespace locosim::trainers
