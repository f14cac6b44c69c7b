#include "locosim/preference/dpo.h"

#include <stdexcept>

namespace locosim {

torch::Tensor SequenceLogProbs(const torch::Tensor& logits, const torch::Tensor& targets,
                               const torch::Tensor& response_mask) {
  const torch::Tensor log_probs = torch::log_softmax(logits, /*dim=*/-1);
  const torch::Tensor picked = log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1);
  return (picked * response_mask.to(picked.dtype())).sum(-1);
}

DpoTerms DpoLoss(const torch::Tensor& policy_chosen, const torch::Tensor& policy_rejected,
                 const torch::Tensor& reference_chosen, const torch::Tensor& reference_rejected,
                 double beta) {
  const torch::Tensor margin =
      (policy_chosen - reference_chosen.detach()) - (policy_rejected - reference_rejected.detach());
  DpoTerms terms;
  terms.margin = margin;
  terms.loss = -torch::log_sigmoid(beta * margin).mean(-1);
  terms.accuracy = (margin > 0).to(torch::kFloat64).mean(-1);
  return terms;
}

DpoTerms DpoLossOfRows(const torch::Tensor& policy_rows, const torch::Tensor& reference_rows,
                       double beta) {
  const std::int64_t pairs = policy_rows.size(-1) / 2;
  return DpoLoss(policy_rows.narrow(-1, 0, pairs), policy_rows.narrow(-1, pairs, pairs),
                 reference_rows.narrow(-1, 0, pairs), reference_rows.narrow(-1, pairs, pairs),
                 beta);
}

void ApoExtrapolate(std::vector<torch::Tensor>& round_result,
                    const std::vector<torch::Tensor>& previous_round_result, double alpha) {
  if (round_result.size() != previous_round_result.size()) {
    throw std::invalid_argument("ApoExtrapolate: the two rounds have different parameters");
  }
  if (alpha == 0) return;  // iterative DPO: not even a rounding of θ̂ + 0·(θ̂ − θ̂_prev)
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < round_result.size(); ++i) {
    round_result[i].add_(round_result[i] - previous_round_result[i], alpha);
  }
}

}  // namespace locosim
