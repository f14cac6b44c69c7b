// Speed of the data plane: the time of one real inner step (batch, forward, backward, clip,
// optimizer step) of one replica per model at two sizes (per_replica_step, CPU time: torch
// runs one thread here), and the rate at which R replicas of a model preset are stepped, loop
// against stacked (ReplicaSteps, replica_steps_per_s, wall clock on every core), which is
// what the engine pays per simulated inner step. parameters is reported so a change of model
// size is not mistaken for a speed-up.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <torch/cuda.h>

#include "locosim/replicas/replica_set.h"

namespace locosim::trainers {
namespace {

TrainerConfig CharLm(int layers, int width, int context) {
  TrainerConfig c;
  c.model.kind = "char_transformer";
  c.model.n_layers = layers;
  c.model.d_model = width;
  c.model.n_heads = 2;
  c.context = context;
  c.batch_size = 16;
  c.eval_batches = 1;
  c.replica_batching = "loop";
  return c;
}

TrainerConfig ImageModel(const std::string& kind, int width) {
  TrainerConfig c;
  c.model.kind = kind;
  c.model.mlp_hidden = {width};
  c.model.cnn_channels = width;
  c.data.kind = "fashion_mnist";
  c.batch_size = 32;
  c.eval_batches = 1;
  c.replica_batching = "loop";
  return c;
}

// Every replica of `set` takes one inner step per iteration.
void StepAll(benchmark::State& state, ReplicaSet& set) {
  for (auto _ : state) {
    for (int r = 0; r < set.size(); ++r) benchmark::DoNotOptimize(set.InnerSteps(r, 1));
  }
  const double replica_steps = set.size();
  // An inverted iteration-invariant rate: CPU seconds per replica step (printed as e.g. 4.5ms).
  state.counters["per_replica_step"] = benchmark::Counter(
      replica_steps, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["parameters"] = static_cast<double>(set.parameter_count());
  state.counters["replicas"] = replica_steps;
}

void BM_InnerStepCharLm(benchmark::State& state) {
  // Arg 0: 1 layer, width 32, context 32. Arg 1: 2 layers, width 64, context 64.
  const bool large = state.range(0) == 1;
  ReplicaSet set(large ? CharLm(2, 64, 64) : CharLm(1, 32, 32), 1);
  StepAll(state, set);
}

void BM_InnerStepMlp(benchmark::State& state) {
  ReplicaSet set(ImageModel("mlp", static_cast<int>(state.range(0))), 1);
  StepAll(state, set);
}

void BM_InnerStepCnn(benchmark::State& state) {
  ReplicaSet set(ImageModel("cnn", static_cast<int>(state.range(0))), 1);
  StepAll(state, set);
}

// A model preset of docs/scenario.md, batch 16.
TrainerConfig Preset(const std::string& preset) {
  if (preset == "tiny") return CharLm(1, 32, 32);  // 2 heads
  TrainerConfig c = preset == "small" ? CharLm(4, 128, 64) : CharLm(8, 320, 128);
  c.model.n_heads = preset == "small" ? 4 : 8;
  return c;
}

// ReplicaSteps[Cuda]/<loop|stacked>/<preset>/<R>: R replicas of a model preset each taking one
// inner step per iteration through InnerSteps(all, 1), as the engine's deferred phases ask,
// on every core (CPU) or the first GPU. One step per call is the stacked set's worst case: it
// gathers and writes back the weights and optimizer state around every step, where the
// engine asks for H steps at once.
void ReplicaSteps(benchmark::State& state, const std::string& device, const std::string& batching,
                  const std::string& preset, int replicas) {
  TrainerConfig c = Preset(preset);
  c.device = device;
  c.replica_batching = batching;
  c.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ReplicaSet set(c, replicas);
  std::vector<int> all(static_cast<std::size_t>(replicas)), ones(all.size(), 1);
  for (int r = 0; r < replicas; ++r) all[static_cast<std::size_t>(r)] = r;
  set.InnerSteps(all, ones);  // untimed: the first touch of every buffer is not the steady state
  // Wall-clock rate: benchmark's own rate counters divide by CPU time, which counts the
  // worker threads' time as if it were serial.
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) benchmark::DoNotOptimize(set.InnerSteps(all, ones));
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  state.counters["replica_steps_per_s"] =
      double(replicas) * double(state.iterations()) / wall.count();
  state.counters["parameters"] = static_cast<double>(set.parameter_count());
  state.counters["threads"] = c.threads;
}

void RegisterReplicaSteps(const std::string& prefix, const std::string& device,
                          const std::vector<std::string>& presets, const std::vector<int>& sizes) {
  for (const std::string batching : {"loop", "stacked"}) {
    for (const std::string& preset : presets) {
      for (const int replicas : sizes) {
        const std::string name =
            prefix + "/" + batching + "/" + preset + "/" + std::to_string(replicas);
        benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& state) {
          ReplicaSteps(state, device, batching, preset, replicas);
        })->Unit(benchmark::kMillisecond);
      }
    }
  }
}

void RegisterReplicaSteps() {
  RegisterReplicaSteps("ReplicaSteps", "cpu", {"tiny", "small"}, {16, 64, 256});
  if (torch::cuda::is_available())
    RegisterReplicaSteps("ReplicaStepsCuda", "cuda", {"tiny", "small", "medium"}, {256});
}

BENCHMARK(BM_InnerStepCharLm)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InnerStepMlp)->Arg(32)->Arg(256)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InnerStepCnn)->Arg(4)->Arg(16)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace locosim::trainers

int main(int argc, char** argv) {
  locosim::trainers::RegisterReplicaSteps();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
