#include "tools/glue/torch_data_plane.h"

#include <cassert>
#include <cstdlib>
#include <map>
#include <thread>
#include <type_traits>
#include <variant>

#include <torch/torch.h>

#include "locosim/replicas/replica_set.h"

namespace locosim {
namespace {

trainers::TrainerConfig ToTrainerConfig(const Scenario& s) {
  trainers::TrainerConfig c;
  c.model.kind = s.model.kind;
  c.model.n_layers = s.model.layers;
  c.model.d_model = s.model.d_model;
  c.model.n_heads = s.model.heads;
  c.model.mlp_hidden = {s.model.hidden};
  c.model.cnn_channels = s.model.channels;
  c.context = s.model.context;
  c.data = s.data;
  c.optimizer = s.inner_optimizer;
  c.objective = s.objective;
  c.batch_size = s.batch_size;
  c.seed = s.seed;
  c.device = s.device;
  c.threads = ThreadsPerProcess(s.threads);
  c.eval_batches = s.eval.batches;
  c.replica_batching = s.replica_batching;
  return c;
}

std::string Describe(const Scenario& s, std::int64_t parameters) {
  std::string model = s.model.kind;
  if (s.model.kind == "char_transformer") {
    model += " (" + std::to_string(s.model.layers) + " layers, d_model " +
             std::to_string(s.model.d_model) + ", " + std::to_string(s.model.heads) +
             " heads, context " + std::to_string(s.model.context) + ")";
  } else if (s.model.kind == "mlp") {
    model += " (hidden " + std::to_string(s.model.hidden) + ")";
  } else {
    model += " (" + std::to_string(s.model.channels) + " channels)";
  }
  std::string objective;
  if (s.objective.dpo()) {
    char line[160];
    std::snprintf(line, sizeof line, ", DPO (beta %g, %d rounds, APO alpha %g) on pairs of",
                  s.objective.beta, s.objective.rounds, s.objective.apo_alpha);
    objective = line;
  }
  return model + ", " + std::to_string(parameters) + " parameters, " + s.inner_optimizer.kind +
         ", batch " + std::to_string(s.batch_size) + (objective.empty() ? ", on" : objective) +
         " " + s.data.path;
}

class TorchDataPlane final : public DataPlane {
 public:
  TorchDataPlane(const Scenario& scenario, trainers::ReplicaSet set)
      : set_(std::move(set)), description_(Describe(scenario, set_.parameter_count())) {
    while (!set_.owns(first_owned_)) ++first_owned_;
    for (const at::Tensor& w : set_.fast_weights(first_owned_)) shapes_.push_back(w.sizes().vec());
  }

  int replicas() const override { return set_.size(); }
  std::int64_t parameter_count() const override { return set_.parameter_count(); }
  Bytes model_bytes() const override { return Bytes(set_.parameter_bytes()); }
  std::string description() const override { return description_; }
  std::vector<std::vector<std::int64_t>> parameter_shapes() const override { return shapes_; }
  std::vector<int> parameter_layers() const override { return set_.parameter_layers(); }

  void BeginInnerSteps(int replica, int steps) override {
    assert(!pending_.count(replica));  // one phase per replica (sim/dataplane/data_plane.h)
    pending_[replica] = steps;
  }

  // Every pending phase, not only those of `replicas`: nothing reads a pending replica until
  // its phase is finished, so computing a phase early changes no result, and stepping all of
  // them in one call lets the set spread them over its threads and stack them into chunks.
  // A NoLoCo outer step asks for its pair of replicas; finishing only those left chunks of two
  // (256 tiny replicas, quickstart: NoLoCo ran slower stacked than looped).
  std::vector<PhaseResult> FinishInnerSteps(std::span<const int> replicas) override {
    for ([[maybe_unused]] int r : replicas) assert(pending_.count(r));
    std::vector<int> all, steps;
    for (const auto& [replica, count] : pending_) {
      all.push_back(replica);
      steps.push_back(count);
    }
    pending_.clear();
    const std::vector<double> losses = set_.InnerSteps(all, steps);
    std::vector<PhaseResult> done;
    for (std::size_t i = 0; i < all.size(); ++i) done.push_back({all[i], losses[i]});
    return done;
  }

  std::optional<double> ApplyOuterUpdate(std::span<const int> group,
                                         const OuterUpdate& update) override {
    for ([[maybe_unused]] int m : group) assert(!pending_.count(m));
    return std::visit(
        [&](const auto& u) -> std::optional<double> {
          using U = std::decay_t<decltype(u)>;
          if constexpr (std::is_same_v<U, DilocoOuterUpdate>) {
            set_.DilocoOuterStep(group, u);
          } else if constexpr (std::is_same_v<U, NolocoOuterUpdate>) {
            set_.NolocoOuterStep(group, u);
          } else if constexpr (std::is_same_v<U, LocalSgdUpdate>) {
            set_.AverageModels(group);
          } else if constexpr (std::is_same_v<U, FragmentSendUpdate>) {
            for (int m : group) {
              set_.StreamingSend(m, u.sync_step, u.tensors, u.compression, u.contributors);
            }
          } else if constexpr (std::is_same_v<U, FragmentMergeUpdate>) {
            for (int m : group) set_.StreamingMerge(m, u.sync_step, u.tensors, u.outer, u.alpha);
          } else {
            static_assert(std::is_same_v<U, DdpUpdate>);
            return set_.DdpStep(group);
          }
          return std::nullopt;
        },
        update);
  }

  void CopyReplica(int to, int from) override {
    assert(!pending_.count(to) && !pending_.count(from));
    set_.CopyReplicaState(to, from);
  }
  void ResetToSlowWeights(int replica) override {
    assert(!pending_.count(replica));
    set_.ResetToSlowWeights(replica);
  }

  // The running sum lives on rank 0 (the only rank that keeps results); the others send it
  // their replicas' weights and keep the count.
  void Snapshot(int id, int replica) override {
    assert(!pending_.count(replica));
    torch::NoGradGuard no_grad;
    const std::vector<at::Tensor> weights = set_.FastWeightsOnRoot(replica);
    auto [it, fresh] = snapshots_.try_emplace(id);
    Sum& sum = it->second;
    if (weights.empty()) {
      // another rank's sum
    } else if (fresh) {
      for (const at::Tensor& w : weights) sum.tensors.push_back(w.detach().clone());
    } else {
      for (std::size_t k = 0; k < weights.size(); ++k) sum.tensors[k].add_(weights[k]);
    }
    ++sum.count;
  }

  // The replica set's own archive (trainers/replicas/replica_checkpoint.cc), and beside it
  // what only this class holds: the phases begun and not yet computed, and the running sums
  // of open snapshots.
  void SaveState(const std::string& dir) const override {
    set_.Save(dir + "/replicas.pt");
    torch::serialize::OutputArchive open;
    std::vector<std::int64_t> pending;
    for (const auto& [replica, steps] : pending_) pending.insert(pending.end(), {replica, steps});
    open.write("pending", torch::tensor(pending, torch::kInt64));
    std::vector<std::int64_t> ids;
    for (const auto& [id, sum] : snapshots_) {
      ids.insert(ids.end(), {id, sum.count});
      for (std::size_t k = 0; k < sum.tensors.size(); ++k) {
        open.write("snapshot/" + std::to_string(id) + "/" + std::to_string(k), sum.tensors[k],
                   /*is_buffer=*/true);
      }
    }
    open.write("snapshots", torch::tensor(ids, torch::kInt64));
    const std::string path = dir + "/open_phases.pt";
    try {
      open.save_to(path);
    } catch (const c10::Error& e) {
      throw std::runtime_error("cannot write " + path + ": " + e.what_without_backtrace());
    }
  }

  void LoadState(const std::string& dir) override {
    try {
      set_.Load(dir + "/replicas.pt");
    } catch (const trainers::TrainerError& e) {
      throw std::runtime_error(e.what());
    }
    const std::string path = dir + "/open_phases.pt";
    try {
      torch::serialize::InputArchive open;
      open.load_from(path, set_.fast_weights(first_owned_).front().device());
      torch::Tensor pending, ids;
      open.read("pending", pending);
      open.read("snapshots", ids);
      pending_.clear();
      for (std::int64_t k = 0; k + 1 < pending.numel(); k += 2) {
        pending_[static_cast<int>(pending[k].item<std::int64_t>())] =
            static_cast<int>(pending[k + 1].item<std::int64_t>());
      }
      snapshots_.clear();
      const std::size_t tensors = set_.fast_weights(first_owned_).size();
      for (std::int64_t k = 0; k + 1 < ids.numel(); k += 2) {
        const int id = static_cast<int>(ids[k].item<std::int64_t>());
        Sum& sum = snapshots_[id];
        sum.count = static_cast<int>(ids[k + 1].item<std::int64_t>());
        for (std::size_t t = 0; t < tensors; ++t) {
          torch::Tensor saved;
          open.read("snapshot/" + std::to_string(id) + "/" + std::to_string(t), saved,
                    /*is_buffer=*/true);
          sum.tensors.push_back(saved);
        }
      }
    } catch (const c10::Error& e) {
      throw std::runtime_error("cannot read " + path + ": " + e.what_without_backtrace());
    }
  }

  EvalMetrics EvaluateSnapshot(int id) override {
    torch::NoGradGuard no_grad;
    Sum sum = std::move(snapshots_.at(id));
    snapshots_.erase(id);
    for (at::Tensor& t : sum.tensors) t.div_(static_cast<double>(sum.count));
    return set_.EvaluateWeights(sum.tensors);  // on rank 0, its metrics given to every rank
  }

 private:
  struct Sum {
    std::vector<at::Tensor> tensors;
    int count = 0;
  };
  trainers::ReplicaSet set_;
  std::string description_;
  std::vector<std::vector<std::int64_t>> shapes_;  // of the parameters, in order
  std::map<int, Sum> snapshots_;
  std::map<int, int> pending_;  // replica -> inner steps begun, not yet computed
  int first_owned_ = 0;         // the first replica this rank holds
};

}  // namespace

int ThreadsPerProcess(int scenario_threads) {
  if (scenario_threads > 0) return scenario_threads;
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (const char* local = std::getenv("LOCAL_WORLD_SIZE"); local && std::atoi(local) > 1)
    cores /= std::atoi(local);
  return std::max(1, cores);
}

Result<std::unique_ptr<DataPlane>> MakeTorchDataPlane(const Scenario& scenario,
                                                      std::shared_ptr<trainers::RankGroup> ranks) {
  auto did_not_fit = [&](const std::string& detail) {
    return ConfigError{scenario.file, "$.replicas",
                       "replicas x model that fit in memory (" + std::to_string(scenario.replicas) +
                           " replicas of the model did not" + detail + ")"};
  };
  try {
    trainers::ReplicaSet set(ToTrainerConfig(scenario), scenario.replicas, std::move(ranks));
    return std::unique_ptr<DataPlane>(std::make_unique<TorchDataPlane>(scenario, std::move(set)));
  } catch (const trainers::TrainerError& e) {
    return ConfigError{scenario.file, "$", std::string("a trainable setup: ") + e.what()};
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    const std::string first_line = what.substr(0, what.find('\n'));
    if (LooksLikeOutOfMemory(what)) return did_not_fit(": " + first_line);
    return ConfigError{scenario.file, "$.device", "a usable device: " + first_line};
  } catch (const std::bad_alloc&) {
    return did_not_fit("");
  }
}

bool LooksLikeOutOfMemory(const std::string& what) {
  return what.find("can't allocate memory") != std::string::npos ||
         what.find("out of memory") != std::string::npos;
}

std::string TorchVersion() {
  std::string version = "libtorch " + std::string(TORCH_VERSION);
  version += torch::cuda::is_available() ? " (cuda available)" : " (cpu)";
  return version;
}

}  // namespace locosim
