#include "locosim/replicas/replica_set.h"

#include <torch/cuda.h>
#include <torch/utils.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "locosim/eval/evaluate.h"
#include "locosim/models/model_factory.h"
#include "locosim/outer/averaging.h"
#include "locosim/outer/diloco.h"
#include "locosim/outer/noloco.h"
#include "replicas/group_sharing.h"
#include "replicas/parallel_replicas.h"
#include "replicas/preference_rounds.h"
#include "replicas/replica_set_impl.h"
#include "replicas/stacked_replicas.h"
#include "stacked/stacked_forward.h"

namespace locosim::trainers {
namespace {

torch::Device ResolveDevice(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (!torch::cuda::is_available()) {
    throw TrainerError("device \"" + name +
                       "\" requested, but this LibTorch has no CUDA support or sees no GPU; "
                       "use device \"cpu\"");
  }
  try {
    torch::Device device(name);
    if (device.has_index() && device.index() >= int(torch::cuda::device_count())) {
      throw TrainerError("device \"" + name + "\": no such GPU");
    }
    return device;
  } catch (const c10::Error&) {
    throw TrainerError("device \"" + name + "\" is not \"cpu\", \"cuda\" or \"cuda:N\"");
  }
}

// Stepping replicas allocates and frees tensors of a few hundred KiB to tens of MiB every
// step. glibc's defaults serve those with fresh mmap()s and return them at once, and the page
// faults of touching them again took half the time of a stacked step (491k faults against 89k
// for 64 tiny replicas, 398 against 802-873 replica-steps/s). Larger blocks stay on the heap
// and freed memory up to 1 GiB is kept for reuse. Process-wide, set once, results unchanged.
void KeepFreedMemoryMapped() {
#if defined(__GLIBC__)
  static const bool once = [] {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, 64 << 20);
    return true;
  }();
  (void)once;
#endif
}

void CheckInRange(int replica, int total) {
  if (replica < 0 || replica >= total) {
    throw TrainerError("replica " + std::to_string(replica) + " out of range [0, " +
                       std::to_string(total) + ")");
  }
}

}  // namespace

int ReplicaSet::Impl::owner(int replica) const {
  CheckInRange(replica, total);
  return ranks ? OwnerOf(replica, total, ranks->world_size()) : 0;
}

Replica& ReplicaSet::Impl::at(int replica) {
  CheckInRange(replica, total);
  if (!owns(replica)) {
    throw TrainerError("replica " + std::to_string(replica) + " is held by rank " +
                       std::to_string(owner(replica)) + ", not this one");
  }
  return replicas[static_cast<std::size_t>(replica - slice.first)];
}

const Replica& ReplicaSet::Impl::at(int replica) const {
  return const_cast<Impl*>(this)->at(replica);
}

void ReplicaSet::Impl::CheckGroup(std::span<const int> group) const {
  if (group.empty()) throw TrainerError("empty replica group");
  for (int r : group) CheckInRange(r, total);
  std::vector<int> sorted(group.begin(), group.end());
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    throw TrainerError("a replica appears twice in one group");
  }
}

std::vector<int> ReplicaSet::Impl::owned(std::span<const int> group) const {
  std::vector<int> out;
  for (int r : group) {
    if (owns(r)) out.push_back(r);
  }
  return out;
}

std::vector<Replica*> ReplicaSet::Impl::members(std::span<const int> group) {
  CheckGroup(group);
  std::vector<Replica*> out;
  for (int r : owned(group)) out.push_back(&at(r));
  return out;
}

ReplicaSet::ReplicaSet(const TrainerConfig& config, int replicas,
                       std::shared_ptr<RankGroup> ranks) {
  Validate(config);
  if (replicas < 1) throw TrainerError("a replica set needs at least one replica");
  const int world = ranks ? ranks->world_size() : 1;
  if (replicas < world) {
    throw TrainerError(std::to_string(replicas) + " replicas cannot be spread over " +
                       std::to_string(world) + " ranks: every rank needs at least one");
  }
  torch::set_num_threads(1);
  KeepFreedMemoryMapped();
  const torch::Device device = ResolveDevice(config.device);
  auto data = LoadDataset(config);
  const ReplicaSlice slice = SliceOf(replicas, world, ranks ? ranks->rank() : 0);
  impl_ = std::unique_ptr<Impl>(
      new Impl{config, device, data, {}, replicas, ranks, slice, {}, {}, false, {}, 1, {}});
  for (int r = slice.first; r < slice.first + slice.count; ++r) {
    impl_->replicas.push_back(MakeReplica(config, *data, r, replicas, device));
  }
  impl_->mean_model = MakeModel(config.model, data->classes(), config.context, data->classes());
  impl_->mean_model.ptr()->to(device);
  impl_->validation = ValidationSubset(*data, config.eval_batches, config.batch_size, device);
  // Evaluations measure DPO against the initial model, every replica's first reference (all
  // replicas start equal, so any rank's first one will do).
  if (config.objective.dpo()) SetReferenceLogProbs(impl_->replicas[0].model, impl_->validation);
  impl_->stacked = config.replica_batching == "stacked" ||
                   (config.replica_batching == "auto" && HasStackedForward(config.model.kind));
  for (const auto& named : impl_->replicas[0].model.ptr()->named_parameters())
    impl_->parameter_names.push_back(named.key());
  impl_->stacked_bytes_per_replica =
      StackedBytesPerReplica(config, parameter_count(), data->classes());
}

ReplicaSet::~ReplicaSet() = default;
ReplicaSet::ReplicaSet(ReplicaSet&&) noexcept = default;
ReplicaSet& ReplicaSet::operator=(ReplicaSet&&) noexcept = default;

int ReplicaSet::size() const { return impl_->total; }

bool ReplicaSet::owns(int replica) const { return impl_->owns(replica); }

std::int64_t ReplicaSet::parameter_count() const {
  return ParameterCount(*impl_->replicas[0].model.ptr());
}

std::int64_t ReplicaSet::parameter_bytes() const {
  std::int64_t bytes = 0;
  for (const auto& p : impl_->replicas[0].theta) bytes += p.numel() * p.element_size();
  return bytes;
}

std::int64_t ReplicaSet::inner_steps(int replica) const { return impl_->at(replica).inner_steps; }

double ReplicaSet::InnerSteps(int replica, int steps) {
  return InnerSteps(std::span(&replica, 1), std::span(&steps, 1)).front();
}

std::size_t ReplicaSet::Impl::workers() const {
  // CUDA replicas share one device and its default stream: they are stepped in turn.
  return device.is_cpu() ? static_cast<std::size_t>(config.threads) : 1;
}

namespace {

// One replica's phase, stepped on the calling thread.
double LoopInnerSteps(ReplicaSet::Impl& set, Replica& r, int steps) {
  torch::Tensor loss_sum = torch::zeros({}, torch::TensorOptions(set.device));
  for (int s = 0; s < steps; ++s) {
    const Batch batch = NextBatch(r, *set.data, set.config.batch_size, set.device);
    loss_sum += ForwardBackward(r, batch, set.config.objective);
    OptimizerStep(r, set.config.optimizer);
  }
  return loss_sum.item<double>() / steps;  // one host synchronisation per call
}

// The phases, stacked or one replica per thread, with no round boundary inside them.
std::vector<double> StepPhases(ReplicaSet::Impl& set, std::span<const int> replicas,
                               std::span<const int> steps) {
  if (set.stacked) return StackedInnerSteps(set, replicas, steps);
  std::vector<double> losses(replicas.size());
  ForEachInParallel(replicas.size(), set.workers(), [&](std::size_t i) {
    losses[i] = LoopInnerSteps(set, set.at(replicas[i]), steps[i]);
  });
  return losses;
}

// The phases under the DPO objective: each cut where its replica's round ends, the next round
// begun in between, and the losses of the pieces weighed by their steps.
std::vector<double> StepPhasesInRounds(ReplicaSet::Impl& set, std::span<const int> replicas,
                                       std::span<const int> steps) {
  const ObjectiveConfig& objective = set.config.objective;
  std::vector<int> left(steps.begin(), steps.end());
  std::vector<double> loss_sums(replicas.size(), 0.0);
  for (;;) {
    std::vector<int> now, now_steps;
    std::vector<std::size_t> slots;
    for (std::size_t i = 0; i < replicas.size(); ++i) {
      if (left[i] == 0) continue;
      Replica& r = set.at(replicas[i]);
      BeginDueRound(r, objective);
      const auto piece =
          static_cast<int>(std::min<std::int64_t>(left[i], StepsLeftInRound(r, objective)));
      now.push_back(replicas[i]);
      now_steps.push_back(piece);
      slots.push_back(i);
    }
    if (now.empty()) break;
    const std::vector<double> losses = StepPhases(set, now, now_steps);
    for (std::size_t j = 0; j < now.size(); ++j) {
      AdvanceClock(set.at(now[j]), now_steps[j]);
      loss_sums[slots[j]] += losses[j] * now_steps[j];
      left[slots[j]] -= now_steps[j];
    }
  }
  for (std::size_t i = 0; i < replicas.size(); ++i) loss_sums[i] /= steps[i];
  return loss_sums;
}

}  // namespace

std::vector<double> ReplicaSet::InnerSteps(std::span<const int> replicas,
                                           std::span<const int> steps) {
  if (replicas.size() != steps.size())
    throw TrainerError("InnerSteps needs one step count per replica");
  for (int s : steps) {
    if (s < 1) throw TrainerError("InnerSteps needs steps >= 1");
  }
  impl_->CheckGroup(replicas);  // distinct and in range, checked before any work starts
  std::vector<int> mine, my_steps;
  for (std::size_t i = 0; i < replicas.size(); ++i) {
    if (!impl_->owns(replicas[i])) continue;
    mine.push_back(replicas[i]);
    my_steps.push_back(steps[i]);
  }
  std::vector<double> losses;
  if (!mine.empty()) {
    losses = impl_->config.objective.dpo() ? StepPhasesInRounds(*impl_, mine, my_steps)
                                           : StepPhases(*impl_, mine, my_steps);
  }
  return ShareValues(*impl_, replicas, losses);
}

double ReplicaSet::DdpStep(std::span<const int> group) {
  const std::vector<Replica*> members = impl_->members(group);
  const auto& config = impl_->config;
  if (config.objective.dpo()) {
    for (Replica* r : members) {
      BeginDueRound(*r, config.objective);
      AdvanceClock(*r, 1);  // the step below
    }
  }
  if (impl_->stacked) return StackedDdpStep(*impl_, group);
  std::vector<torch::Tensor> losses(members.size());
  ForEachInParallel(members.size(), impl_->workers(), [&](std::size_t i) {
    const Batch batch = NextBatch(*members[i], *impl_->data, config.batch_size, impl_->device);
    losses[i] = ForwardBackward(*members[i], batch, config.objective);
  });
  // Every member's gradients and loss, in group order (those of other ranks' members copied
  // from them), averaged in that order: so the mean has the same bits anywhere.
  const std::vector<int> mine = impl_->owned(group);
  const auto tensors_of = [&](int replica) {
    const auto i =
        static_cast<std::size_t>(std::find(mine.begin(), mine.end(), replica) - mine.begin());
    std::vector<torch::Tensor> t;
    for (const torch::Tensor& p : members[i]->theta) t.push_back(p.grad());
    t.push_back(losses[i].reshape({1}));
    return t;
  };
  std::vector<torch::Tensor> like =
      members.empty() ? std::vector<torch::Tensor>{} : members.front()->theta;
  like.push_back(torch::zeros({1}));
  const std::vector<std::vector<torch::Tensor>> shared =
      ShareWithGroup(*impl_, group, tensors_of, like);
  if (members.empty()) return ShareGroupValue(*impl_, group, std::nullopt);
  const std::size_t tensors = like.size() - 1;
  {
    torch::NoGradGuard no_grad;
    const std::vector<torch::Tensor> means = MeansByPosition(shared, tensors);
    for (Replica* r : members) {
      for (std::size_t k = 0; k < tensors; ++k) r->theta[k].mutable_grad().copy_(means[k]);
    }
  }
  ForEachInParallel(members.size(), impl_->workers(),
                    [&](std::size_t i) { OptimizerStep(*members[i], config.optimizer); });
  torch::Tensor loss_sum = torch::zeros({}, torch::TensorOptions(impl_->device));
  for (const auto& member : shared) loss_sum += member[tensors].reshape({});  // group order
  return ShareGroupValue(*impl_, group, loss_sum.item<double>() / double(shared.size()));
}

void ReplicaSet::DilocoOuterStep(std::span<const int> group, const DilocoOuterConfig& config) {
  const std::vector<Replica*> members = impl_->members(group);
  const bool top_k = config.compression.format == WireFormat::kTopK;
  if (top_k) {
    for (Replica* r : members) EnsureErrorFeedback(*r);
  }
  const GroupWeights weights(*impl_, group, top_k);
  if (members.empty()) return;  // no member here: the ranks that hold them do it
  trainers::DilocoOuterStep(weights.view(), config);
  for (Replica* r : members) MarkSync(*r);
}

void ReplicaSet::NolocoOuterStep(std::span<const int> group, const NolocoOuterConfig& config) {
  const std::vector<Replica*> members = impl_->members(group);
  const GroupWeights weights(*impl_, group, /*error_feedback=*/false);
  if (members.empty()) return;
  trainers::NolocoOuterStep(weights.view(), config);
  for (Replica* r : members) MarkSync(*r);
}

std::vector<int> ReplicaSet::parameter_layers() const {
  // The top-level module of each parameter ("block3.qkv.weight" -> "block3"), in order.
  std::vector<std::string> modules;
  for (const std::string& name : impl_->parameter_names)
    modules.push_back(name.substr(0, name.find('.')));
  auto block_index = [](const std::string& module) {
    constexpr std::string_view kBlock = "block";
    if (module.rfind(kBlock, 0) != 0 || module.size() == kBlock.size()) return -1;
    for (std::size_t i = kBlock.size(); i < module.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(module[i]))) return -1;
    }
    return std::stoi(module.substr(kBlock.size()));
  };
  std::vector<int> layers;
  const bool has_blocks = std::any_of(modules.begin(), modules.end(),
                                      [&](const std::string& m) { return block_index(m) >= 0; });
  int layer = 0;
  for (std::size_t k = 0; k < modules.size(); ++k) {
    if (has_blocks) {
      // Before the first block: layer 0; a block: its index; after the last: the last.
      if (const int b = block_index(modules[k]); b >= 0) layer = b;
    } else if (k > 0 && modules[k] != modules[k - 1]) {
      ++layer;
    }
    layers.push_back(layer);
  }
  return layers;
}

void ReplicaSet::AverageModels(std::span<const int> group) {
  const std::vector<Replica*> members = impl_->members(group);
  const GroupWeights weights(*impl_, group, /*error_feedback=*/false);
  if (members.empty()) return;
  trainers::AverageModels(weights.view());
  for (Replica* r : members) MarkSync(*r);
}

std::vector<at::Tensor> ReplicaSet::fast_weights(int replica) const {
  return impl_->at(replica).theta;
}

std::vector<at::Tensor> ReplicaSet::slow_weights(int replica) const {
  return impl_->at(replica).phi;
}

}  // namespace locosim::trainers
