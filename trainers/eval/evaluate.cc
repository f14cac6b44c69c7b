#include "locosim/eval/evaluate.h"

#include <cmath>

#include "locosim/models/model_factory.h"

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
    Batch batch = data.MakeBatch(Split::kValidation, indices);
    batches.push_back({batch.inputs.to(device), batch.targets.to(device)});
  }
  return batches;
}

EvalResult Evaluate(torch::nn::AnyModule& model, std::span<const Batch> batches, Task task) {
  torch::NoGradGuard no_grad;
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
