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

void ClipGradNormPerRow(const std::vector<torch::Tensor>& stacked, double max_norm) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> squares;  // per parameter, [C] in double as ClipGradNorm sums
  for (const auto& p : stacked)
    squares.push_back(p.grad().pow(2).flatten(1).sum(1).to(torch::kDouble));
  const torch::Tensor norms = torch::stack(squares).sum(0).sqrt();
  // Rows under the limit get exactly 1, which leaves their gradients' bits as they are.
  const torch::Tensor factors =
      (max_norm / (norms + 1e-6)).clamp_max(1.0).to(stacked.front().scalar_type());
  for (const auto& p : stacked) {
    std::vector<std::int64_t> shape(static_cast<std::size_t>(p.dim()), 1);
    shape[0] = factors.size(0);
    p.grad().mul_(factors.view(shape));
  }
}

}  // namespace locosim::trainers
