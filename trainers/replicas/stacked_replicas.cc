#include "replicas/stacked_replicas.h"

#include <torch/autograd.h>

#include <algorithm>
#include <map>
#include <memory>

#include "locosim/optim/clip_grad_norm.h"
#include "locosim/optim/lr_schedule.h"
#include "locosim/optim/stacked_inner_optimizer.h"
#include "locosim/outer/averaging.h"
#include "locosim/preference/dpo.h"
#include "replicas/group_sharing.h"
#include "replicas/parallel_replicas.h"
#include "replicas/replica_set_impl.h"
#include "stacked/stacked_forward.h"

namespace locosim::trainers {
namespace {

// Larger chunks add no speed: measured on 256 tiny replicas, 2 threads, chunks of 16 ran at
// 875 replica-steps/s against 700 for chunks of 64 (their tensors outgrow the caches).
constexpr std::int64_t kMaxChunkReplicas = 16;

// C replicas' weights as [C, ...] leaves and their optimizers as one.
class StackedChunk {
 public:
  StackedChunk(const ReplicaSet::Impl& set, std::vector<Replica*> rows)
      : set_(set),
        rows_(std::move(rows)),
        weights_(Gather(rows_, Theta, /*requires_grad=*/true)),
        parameters_(set.parameter_names, weights_),
        optimizer_(set.config.optimizer, Optimizers(rows_), Thetas(rows_)) {
    if (set.config.objective.dpo()) {
      reference_ = std::make_unique<StackedParameters>(
          set.parameter_names, Gather(rows_, Reference, /*requires_grad=*/false));
    }
  }

  // Every row's next batch, one forward and backward pass; the rows' losses [C], detached.
  torch::Tensor ForwardBackward() {
    std::vector<torch::Tensor> inputs, targets, masks;
    for (Replica* r : rows_) {
      Batch batch = NextBatch(*r, *set_.data, set_.config.batch_size, torch::kCPU);
      inputs.push_back(std::move(batch.inputs));
      targets.push_back(std::move(batch.targets));
      masks.push_back(std::move(batch.response_mask));
    }
    const torch::Tensor input = torch::stack(inputs).to(set_.device);
    const torch::Tensor target = torch::stack(targets).to(set_.device);
    const torch::Tensor logits = StackedForward(set_.config.model, parameters_, input);
    for (auto& w : weights_) w.mutable_grad() = torch::Tensor();
    torch::Tensor losses;
    if (reference_) {  // DPO: [C, 2B] sequence log-probabilities, one loss per row
      const torch::Tensor mask = torch::stack(masks).to(set_.device);
      torch::Tensor reference;
      {
        torch::NoGradGuard no_grad;
        reference =
            SequenceLogProbs(StackedForward(set_.config.model, *reference_, input), target, mask);
      }
      losses = DpoLossOfRows(SequenceLogProbs(logits, target, mask), reference,
                             set_.config.objective.beta)
                   .loss.to(logits.dtype());
    } else {
      losses = StackedCrossEntropy(logits, target);
    }
    losses.sum().backward();
    return losses.detach();
  }

  // Each row's clipping (if configured) and scheduled learning rate, then one step.
  void OptimizerStep() {
    const InnerOptimizerConfig& config = set_.config.optimizer;
    if (config.max_grad_norm > 0) ClipGradNormPerRow(weights_, config.max_grad_norm);
    std::vector<double> lrs;
    for (Replica* r : rows_) lrs.push_back(ScheduledLearningRate(config, r->inner_steps++));
    optimizer_.Step(weights_, lrs);
  }

  // Row c's gradients, for DDP's reduction over the group.
  std::vector<torch::Tensor> Gradients(std::size_t c) const {
    const auto row = static_cast<std::int64_t>(c);
    std::vector<torch::Tensor> out;
    for (const torch::Tensor& w : weights_) out.push_back(w.grad()[row]);
    return out;
  }
  void SetGradients(const std::vector<torch::Tensor>& mean) {
    torch::NoGradGuard no_grad;
    for (std::size_t k = 0; k < weights_.size(); ++k) weights_[k].mutable_grad().copy_(mean[k]);
  }

  void WriteBack() const {
    torch::NoGradGuard no_grad;
    for (std::size_t c = 0; c < rows_.size(); ++c) {
      for (std::size_t k = 0; k < weights_.size(); ++k)
        rows_[c]->theta[k].copy_(weights_[k][static_cast<std::int64_t>(c)]);
    }
    optimizer_.WriteBack();
  }

 private:
  // Each parameter of the rows' `weights` (theta, or DPO's reference) stacked as [C, ...].
  template <typename Weights>
  static std::vector<torch::Tensor> Gather(const std::vector<Replica*>& rows, Weights weights,
                                           bool requires_grad) {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> stacked, column(rows.size());
    for (std::size_t k = 0; k < rows.front()->theta.size(); ++k) {
      for (std::size_t c = 0; c < rows.size(); ++c) column[c] = weights(*rows[c])[k];
      stacked.push_back(torch::stack(column).requires_grad_(requires_grad));
    }
    return stacked;
  }
  static const std::vector<torch::Tensor>& Theta(const Replica& r) { return r.theta; }
  static const std::vector<torch::Tensor>& Reference(const Replica& r) {
    return r.preference->reference_weights;
  }
  static std::vector<torch::optim::Optimizer*> Optimizers(const std::vector<Replica*>& rows) {
    std::vector<torch::optim::Optimizer*> out;
    for (Replica* r : rows) out.push_back(r->optimizer.get());
    return out;
  }
  static std::vector<std::vector<torch::Tensor>> Thetas(const std::vector<Replica*>& rows) {
    std::vector<std::vector<torch::Tensor>> out;
    for (Replica* r : rows) out.push_back(r->theta);
    return out;
  }

  const ReplicaSet::Impl& set_;
  std::vector<Replica*> rows_;
  std::vector<torch::Tensor> weights_;
  StackedParameters parameters_;
  StackedInnerOptimizer optimizer_;
  std::unique_ptr<StackedParameters> reference_;  // DPO: the rows' round references
};

// `indices` into `members` cut into chunks: at most what the working memory allows and
// kMaxChunkReplicas, and at least one per worker thread when there are enough replicas.
std::vector<std::vector<std::size_t>> Chunks(const ReplicaSet::Impl& set,
                                             const std::vector<std::size_t>& indices) {
  const std::int64_t workers = std::max<std::int64_t>(1, std::int64_t(set.workers()));
  const std::int64_t by_memory =
      std::max<std::int64_t>(1, kStackedWorkingBytes / workers / set.stacked_bytes_per_replica);
  const std::int64_t count = std::int64_t(indices.size());
  const std::int64_t size = std::clamp<std::int64_t>((count + workers - 1) / workers, 1,
                                                     std::min(kMaxChunkReplicas, by_memory));
  std::vector<std::vector<std::size_t>> chunks;
  for (std::int64_t begin = 0; begin < count; begin += size) {
    const auto end = std::min(count, begin + size);
    chunks.emplace_back(indices.begin() + begin, indices.begin() + end);
  }
  return chunks;
}

std::vector<Replica*> Rows(const std::vector<Replica*>& members,
                           const std::vector<std::size_t>& chunk) {
  std::vector<Replica*> rows;
  for (std::size_t i : chunk) rows.push_back(members[i]);
  return rows;
}

}  // namespace

std::int64_t StackedBytesPerReplica(const TrainerConfig& config, std::int64_t parameters,
                                    std::int64_t classes) {
  const std::string& kind = config.optimizer.kind;
  const std::int64_t slots = kind == "adan" ? 4 : kind == "lion" ? 1 : 2;
  const std::int64_t weights = parameters * (2 + slots);  // weight, gradient, optimizer state
  const std::int64_t batch = config.batch_size;
  std::int64_t activations = 0;  // values kept for the backward pass, with their gradients
  if (config.model.kind == "char_transformer") {
    const std::int64_t tokens = batch * config.context, d = config.model.d_model;
    const std::int64_t per_layer =
        tokens * d * (12 + 4 * config.model.mlp_ratio) +
        batch * config.model.n_heads * config.context * config.context * 4;
    activations = 2 * (config.model.n_layers * per_layer + tokens * (3 * d + 3 * classes));
  } else {
    std::int64_t widths = 28 * 28 + 3 * classes;
    for (int w : config.model.mlp_hidden) widths += 3 * w;
    activations = 2 * batch * widths;
  }
  return 4 * (weights + activations);  // fp32
}

std::vector<double> StackedInnerSteps(ReplicaSet::Impl& set, std::span<const int> replicas,
                                      std::span<const int> steps) {
  const std::vector<Replica*> members = set.members(replicas);
  // Replicas asked for the same number of steps share chunks.
  std::map<int, std::vector<std::size_t>> by_steps;
  for (std::size_t i = 0; i < members.size(); ++i) by_steps[steps[i]].push_back(i);
  struct Job {
    int steps;
    std::vector<std::size_t> indices;
  };
  std::vector<Job> jobs;
  for (const auto& [count, indices] : by_steps) {
    for (auto& chunk : Chunks(set, indices)) jobs.push_back({count, std::move(chunk)});
  }
  std::vector<double> losses(members.size());
  ForEachInParallel(jobs.size(), set.workers(), [&](std::size_t j) {
    const Job& job = jobs[j];
    StackedChunk chunk(set, Rows(members, job.indices));
    torch::Tensor loss_sum;
    for (int s = 0; s < job.steps; ++s) {
      const torch::Tensor loss = chunk.ForwardBackward();
      loss_sum = s == 0 ? loss : loss_sum + loss;
      chunk.OptimizerStep();
    }
    chunk.WriteBack();
    const torch::Tensor sums = loss_sum.to(torch::kCPU, torch::kDouble).contiguous();
    for (std::size_t c = 0; c < job.indices.size(); ++c)
      losses[job.indices[c]] = sums.data_ptr<double>()[c] / job.steps;
  });
  return losses;
}

double StackedDdpStep(ReplicaSet::Impl& set, std::span<const int> group) {
  const std::vector<Replica*> members = set.members(group);
  std::vector<std::size_t> all(members.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  const std::vector<std::vector<std::size_t>> chunks = Chunks(set, all);
  // The chunks stay gathered between the two phases: a DDP step holds every member's
  // weights, gradients and optimizer state twice, and one chunk's activations per thread.
  std::vector<std::unique_ptr<StackedChunk>> gathered(chunks.size());
  std::vector<torch::Tensor> losses(chunks.size());
  ForEachInParallel(chunks.size(), set.workers(), [&](std::size_t j) {
    gathered[j] = std::make_unique<StackedChunk>(set, Rows(members, chunks[j]));
    losses[j] = gathered[j]->ForwardBackward().to(torch::kCPU).contiguous();
  });
  // Summed member by member in group order, as the loop's DdpStep does, so neither
  // the chunking, the thread count nor the ranks change a bit. Members on other ranks arrive
  // as copies of their gradient rows and loss.
  const std::vector<int> mine = set.owned(group);
  const auto chunk_row = [&](int replica) {
    const auto i =
        static_cast<std::size_t>(std::find(mine.begin(), mine.end(), replica) - mine.begin());
    for (std::size_t j = 0; j < chunks.size(); ++j) {
      for (std::size_t c = 0; c < chunks[j].size(); ++c) {
        if (chunks[j][c] == i) return std::pair{j, c};
      }
    }
    throw TrainerError("replica " + std::to_string(replica) + " is in no chunk");
  };
  const auto tensors_of = [&](int replica) {
    const auto [j, c] = chunk_row(replica);
    std::vector<torch::Tensor> t = gathered[j]->Gradients(c);
    t.push_back(losses[j].narrow(0, std::int64_t(c), 1));
    return t;
  };
  std::vector<torch::Tensor> like;
  if (!members.empty()) {
    like = members.front()->theta;
    like.push_back(torch::zeros({1}));
  }
  const std::vector<std::vector<torch::Tensor>> shared =
      ShareWithGroup(set, group, tensors_of, like);
  if (members.empty()) return ShareGroupValue(set, group, std::nullopt);
  const std::vector<torch::Tensor> mean = MeansByPosition(shared, like.size() - 1);
  float loss_sum = 0;
  for (const auto& member : shared) loss_sum += member.back().to(torch::kCPU).item<float>();
  ForEachInParallel(chunks.size(), set.workers(), [&](std::size_t j) {
    gathered[j]->SetGradients(mean);
    gathered[j]->OptimizerStep();
    gathered[j]->WriteBack();
  });
  return ShareGroupValue(set, group, double(loss_sum) / double(group.size()));
}

}  // namespace locosim::trainers
