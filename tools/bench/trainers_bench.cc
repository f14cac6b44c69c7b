// Speed of the data plane: wall time of one real inner step (batch, forward, backward, clip,
// optimizer step) per model at two sizes, and of R replicas of a tiny model each taking one
// step in one process, which is what the engine pays per simulated inner step. The
// per_replica_step counter (CPU time per replica step; wall time on an idle machine, as torch
// runs one thread here, the engine's default) is the figure to compare; parameters is
// reported so a change of model size is not mistaken for a speed-up.
#include <benchmark/benchmark.h>

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

void BM_ReplicasOneStepEachCharLm(benchmark::State& state) {
  ReplicaSet set(CharLm(1, 32, 32), static_cast<int>(state.range(0)));
  StepAll(state, set);
}

void BM_ReplicasOneStepEachMlp(benchmark::State& state) {
  ReplicaSet set(ImageModel("mlp", 32), static_cast<int>(state.range(0)));
  StepAll(state, set);
}

BENCHMARK(BM_InnerStepCharLm)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InnerStepMlp)->Arg(32)->Arg(256)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InnerStepCnn)->Arg(4)->Arg(16)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReplicasOneStepEachCharLm)->Arg(16)->Arg(64)->Arg(256)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReplicasOneStepEachMlp)->Arg(16)->Arg(64)->Arg(256)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace locosim::trainers

BENCHMARK_MAIN();
