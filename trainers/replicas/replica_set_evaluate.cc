// ReplicaSet's evaluations: of one replica, of the mean of several, and, for a set sharded over
// ranks, of weights gathered on rank 0 with the metrics given to every rank.
#include <torch/torch.h>

#include <limits>
#include <optional>

#include "distributed/rank_messages.h"
#include "locosim/eval/evaluate.h"
#include "locosim/outer/averaging.h"
#include "locosim/replicas/replica_set.h"
#include "replicas/replica_set_impl.h"

namespace locosim::trainers {

EvalResult ReplicaSet::Evaluate(int replica) {
  const Task task = impl_->data->task();
  return trainers::Evaluate(impl_->at(replica).model, impl_->validation, task,
                            impl_->config.objective.beta);
}

EvalResult ReplicaSet::EvaluateMean(std::span<const int> replicas) {
  const std::vector<Replica*> members = impl_->members(replicas);
  if (members.size() != replicas.size())
    throw TrainerError("EvaluateMean reads owned replicas only (see FastWeightsOnRoot)");
  std::vector<torch::Tensor> mean_theta = impl_->mean_model.ptr()->parameters();
  {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> thetas(members.size());
    for (std::size_t k = 0; k < mean_theta.size(); ++k) {
      for (std::size_t i = 0; i < members.size(); ++i) thetas[i] = members[i]->theta[k];
      mean_theta[k].copy_(Mean(thetas));
    }
  }
  return trainers::Evaluate(impl_->mean_model, impl_->validation, impl_->data->task(),
                            impl_->config.objective.beta);
}

std::vector<at::Tensor> ReplicaSet::FastWeightsOnRoot(int replica) {
  const int owner = impl_->owner(replica), me = impl_->ranks ? impl_->ranks->rank() : 0;
  if (owner == 0 && me == 0) return impl_->at(replica).theta;
  if (me != 0 && me != owner) return {};
  const std::vector<torch::Tensor>& like = impl_->replicas.front().theta;
  if (me == owner) {
    ExchangeMessages(*impl_->ranks, {{0, PackFlat(impl_->at(replica).theta)}}, {});
    return {};
  }
  std::int64_t elements = 0;
  for (const torch::Tensor& t : like) elements += t.numel();
  const RankMessage received{owner, torch::empty({elements}, torch::kFloat32)};
  ExchangeMessages(*impl_->ranks, {}, {received});
  return UnpackFlat(received.tensor, 0, like);
}

EvalResult ReplicaSet::EvaluateWeights(const std::vector<at::Tensor>& weights) {
  const bool root = !impl_->ranks || impl_->ranks->rank() == 0;
  EvalResult result;
  if (root) {
    std::vector<torch::Tensor> parameters = impl_->mean_model.ptr()->parameters();
    if (weights.size() != parameters.size())
      throw TrainerError("EvaluateWeights needs one tensor per model parameter");
    {
      torch::NoGradGuard no_grad;
      for (std::size_t k = 0; k < parameters.size(); ++k) parameters[k].copy_(weights[k]);
    }
    result = trainers::Evaluate(impl_->mean_model, impl_->validation, impl_->data->task(),
                                impl_->config.objective.beta);
  }
  if (!impl_->sharded()) return result;
  // Rank 0's metrics to every other rank; an absent metric travels as NaN with a flag.
  const auto encode = [](const std::optional<double>& v) {
    return std::vector<double>{v ? 1.0 : 0.0, v.value_or(std::numeric_limits<double>::quiet_NaN())};
  };
  torch::Tensor metrics = torch::empty({7}, torch::kFloat64);
  if (root) {
    std::vector<double> values{result.loss};
    for (const auto& v : {result.perplexity, result.accuracy, result.reward_margin}) {
      const std::vector<double> e = encode(v);
      values.insert(values.end(), e.begin(), e.end());
    }
    metrics = torch::tensor(values, torch::kFloat64);
    std::vector<RankMessage> sends;
    for (int rank = 1; rank < impl_->ranks->world_size(); ++rank) sends.push_back({rank, metrics});
    ExchangeMessages(*impl_->ranks, sends, {});
    return result;
  }
  ExchangeMessages(*impl_->ranks, {}, {{0, metrics}});
  const double* v = metrics.data_ptr<double>();
  const auto decode = [&](int at) {
    return v[at] != 0 ? std::optional<double>(v[at + 1]) : std::nullopt;
  };
  result.loss = v[0];
  result.perplexity = decode(1);
  result.accuracy = decode(3);
  result.reward_margin = decode(5);
  return result;
}

}  // namespace locosim::trainers
