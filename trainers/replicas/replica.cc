#include "replicas/replica.h"

#include <torch/utils.h>

#include "locosim/models/model_factory.h"
#include "locosim/optim/clip_grad_norm.h"
#include "locosim/optim/inner_optimizer.h"
#include "locosim/optim/lr_schedule.h"
#include "locosim/preference/dpo.h"
#include "locosim/trainers/error.h"

namespace locosim::trainers {

Replica MakeReplica(const TrainerConfig& config, const Dataset& data, int index, int count,
                    torch::Device device) {
  torch::manual_seed(config.seed);
  torch::nn::AnyModule model =
      MakeModel(config.model, data.classes(), config.context, data.classes());
  model.ptr()->to(device);
  model.ptr()->train();
  std::vector<torch::Tensor> theta = model.ptr()->parameters();
  std::vector<torch::Tensor> phi, momentum;
  for (const auto& p : theta) {
    phi.push_back(p.detach().clone());
    momentum.push_back(torch::zeros_like(p).detach());
  }
  const std::int64_t examples = data.size(Split::kTrain);
  std::int64_t begin = 0, end = examples;
  if (!config.data.iid) {
    begin = examples * index / count;
    end = examples * (index + 1) / count;
    if (begin == end) {
      throw TrainerError("non-iid data: " + std::to_string(examples) +
                         " training examples cannot be split among " + std::to_string(count) +
                         " replicas");
    }
  }
  auto optimizer = MakeInnerOptimizer(config.optimizer, theta);
  std::unique_ptr<PreferenceRound> preference;
  if (config.objective.dpo()) {
    preference = std::make_unique<PreferenceRound>();
    preference->reference = MakeModel(config.model, data.classes(), config.context, data.classes());
    preference->reference.ptr()->to(device);
    preference->reference_weights = preference->reference.ptr()->parameters();
    torch::NoGradGuard no_grad;
    for (std::size_t k = 0; k < theta.size(); ++k) {
      preference->reference_weights[k].requires_grad_(false).copy_(theta[k]);
      if (config.objective.apo_alpha > 0) preference->previous_result.push_back(phi[k].clone());
    }
  }
  return Replica{std::move(model),
                 std::move(theta),
                 std::move(phi),
                 std::move(momentum),
                 /*error_feedback=*/{},
                 std::move(optimizer),
                 SampleStream(StreamSeed(config.seed, "data", std::uint64_t(index)), begin, end),
                 0,
                 std::move(preference)};
}

Batch NextBatch(Replica& replica, const Dataset& data, int batch_size, torch::Device device) {
  const std::vector<std::int64_t> indices = replica.samples.Next(batch_size);
  Batch batch = data.MakeBatch(Split::kTrain, indices);
  if (device.is_cpu()) return batch;
  return ToDevice(batch, device);
}

torch::Tensor ForwardBackward(Replica& replica, const Batch& batch,
                              const ObjectiveConfig& objective) {
  replica.optimizer->zero_grad();
  const torch::Tensor logits = replica.model.forward(batch.inputs);
  torch::Tensor loss;
  if (objective.dpo()) {
    torch::Tensor reference;
    {
      torch::NoGradGuard no_grad;
      reference = SequenceLogProbs(replica.preference->reference.forward(batch.inputs),
                                   batch.targets, batch.response_mask);
    }
    loss = DpoLossOfRows(SequenceLogProbs(logits, batch.targets, batch.response_mask), reference,
                         objective.beta)
               .loss;
  } else {
    loss = CrossEntropy(logits, batch.targets);
  }
  loss.backward();
  return loss.detach();
}

void OptimizerStep(Replica& replica, const InnerOptimizerConfig& config) {
  if (config.max_grad_norm > 0) ClipGradNorm(replica.theta, config.max_grad_norm);
  SetLearningRate(*replica.optimizer, ScheduledLearningRate(config, replica.inner_steps));
  replica.optimizer->step();
  ++replica.inner_steps;
}

void EnsureErrorFeedback(Replica& replica) {
  if (!replica.error_feedback.empty()) return;
  for (const torch::Tensor& p : replica.theta)
    replica.error_feedback.push_back(torch::zeros_like(p));
}

}  // namespace locosim::trainers
