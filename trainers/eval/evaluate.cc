#include "locosim/eval/evaluate.h"

#include <cmath>

#include "locosim/models/model_factory.h"
#include "locosim/preference/dpo.h"

namespace locosim::trainers {

std::vector<Batch> ValidationSubset(const Dataset& data, int count, int batch_size,
                                    torch::Device device) {
  const std::int64_t total = std::int64_t(count) * batch_size;
  const std::int64_t available = data.size(Split::kValidation);
  std::vector<Batch> batches;
  std::vector<std::int64_t> indices(static_cast<std::size_t>(batch_size));
  for (int b = 0; b < count; ++b) {
    for (int i = 0; i < batch_size; ++i) {
      const std::int64_t slot = std::int64_t(b) * batch_size + i;
      indices[static_cast<std::size_t>(i)] = slot * available / total;  // evenly spaced
    }
    batches.push_back(ToDevice(data.MakeBatch(Split::kValidation, indices), device));
  }
  return batches;
}

void SetReferenceLogProbs(torch::nn::AnyModule& model, std::span<Batch> batches) {
  torch::NoGradGuard no_grad;
  model.ptr()->eval();
  for (Batch& batch : batches) {
    batch.reference_log_probs =
        SequenceLogProbs(model.forward(batch.inputs), batch.targets, batch.response_mask);
  }
  model.ptr()->train();
}

namespace {

EvalResult EvaluatePreference(torch::nn::AnyModule& model, std::span<const Batch> batches,
                              double beta) {
  torch::Tensor loss_sum = torch::zeros({}, torch::kDouble);
  torch::Tensor wins = torch::zeros({}, torch::kDouble);
  torch::Tensor reward_sum = torch::zeros({}, torch::kDouble);
  std::int64_t pairs = 0;
  for (const auto& batch : batches) {
    const torch::Tensor rows =
        SequenceLogProbs(model.forward(batch.inputs), batch.targets, batch.response_mask);
    const DpoTerms terms = DpoLossOfRows(rows, batch.reference_log_probs, beta);
    const std::int64_t count = rows.size(0) / 2;
    const torch::Tensor policy_margin = rows.narrow(0, 0, count) - rows.narrow(0, count, count);
    loss_sum += terms.loss.to(torch::kCPU, torch::kDouble);
    wins += (policy_margin > 0).sum().to(torch::kCPU, torch::kDouble);
    reward_sum += (beta * terms.margin).sum().to(torch::kCPU, torch::kDouble);
    pairs += count;
  }
  EvalResult result;
  result.loss = loss_sum.item<double>() / static_cast<double>(batches.size());
  result.accuracy = wins.item<double>() / double(pairs);
  result.reward_margin = reward_sum.item<double>() / double(pairs);
  return result;
}

}  // namespace

EvalResult Evaluate(torch::nn::AnyModule& model, std::span<const Batch> batches, Task task,
                    double dpo_beta) {
  torch::NoGradGuard no_grad;
  if (task == Task::kPreference) {
    model.ptr()->eval();
    EvalResult result = EvaluatePreference(model, batches, dpo_beta);
    model.ptr()->train();
    return result;
  }
  model.ptr()->eval();
  torch::Tensor loss_sum = torch::zeros({}, torch::kDouble);
  torch::Tensor correct = torch::zeros({}, torch::kLong);
  std::int64_t examples = 0;
  for (const auto& batch : batches) {
    const torch::Tensor logits = model.forward(batch.inputs);
    loss_sum += CrossEntropy(logits, batch.targets).to(torch::kCPU, torch::kDouble);
    if (task == Task::kClassification) {
      correct += logits.argmax(-1).eq(batch.targets).sum().to(torch::kCPU);
      examples += batch.targets.numel();
    }
  }
  model.ptr()->train();
  EvalResult result;
  result.loss = loss_sum.item<double>() / static_cast<double>(batches.size());
  if (task == Task::kNextToken) {
    result.perplexity = std::exp(result.loss);
  } else {
    result.accuracy = static_cast<double>(correct.item<std::int64_t>()) / double(examples);
  }
  return result;
}

}  // namespace locosim::trainers
