// Direct Preference Optimization's loss (Rafailov et al. 2023) and the APO step between
// rounds (He, Yuan and Gu 2024): the preference objective's math (docs/algorithms.md,
// "Preference optimisation"), used by the replicas' training step and evaluation.
#pragma once

#include <vector>

#include <torch/torch.h>

namespace locosim {

// Per sequence, the sum of log π(target_t | prefix) over the positions where `response_mask`
// is true (the response's tokens; prompt and padding masked out). logits [B, T, V] predict
// targets [B, T] (int64); response_mask [B, T] (bool). Returns [B].
torch::Tensor SequenceLogProbs(const torch::Tensor& logits, const torch::Tensor& targets,
                               const torch::Tensor& response_mask);

struct DpoTerms {
  torch::Tensor loss;      // mean over the pairs (the last dimension) of −log σ(β·h)
  torch::Tensor margin;    // [..., B]: h, the policy's log-ratio margin over the reference's
  torch::Tensor accuracy;  // the fraction of pairs with h > 0, like `loss`
};

// h = [log πθ(y_w|x) − log πref(y_w|x)] − [log πθ(y_l|x) − log πref(y_l|x)] per pair, from
// sequence log-probabilities [..., B] (the reference's carry no gradient); the loss uses the
// stable log-sigmoid, so a large |β·h| neither overflows nor loses its gradient. One model's
// pairs [B] give scalars; C stacked replicas' [C, B] give one loss per replica, [C].
DpoTerms DpoLoss(const torch::Tensor& policy_chosen, const torch::Tensor& policy_rejected,
                 const torch::Tensor& reference_chosen, const torch::Tensor& reference_rejected,
                 double beta);

// DpoLoss of a preference batch's rows (locosim/data/dataset.h): sequence log-probabilities
// [..., 2B], the B chosen continuations first, then the B rejected ones.
DpoTerms DpoLossOfRows(const torch::Tensor& policy_rows, const torch::Tensor& reference_rows,
                       double beta);

// APO's extrapolation between rounds, on the weights: θ_{t+1} = θ̂_{t+1} + α·(θ̂_{t+1} − θ̂_t),
// where θ̂_{t+1} is round t's DPO result and θ̂_t the previous round's. Written into
// `round_result` in place (no gradient). α = 0 leaves it untouched: iterative DPO exactly.
void ApoExtrapolate(std::vector<torch::Tensor>& round_result,
                    const std::vector<torch::Tensor>& previous_round_result, double alpha);

}  // namespace locosim
