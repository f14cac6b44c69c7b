// A scenario as plain data: what is trained, what is modelled on the wire and on the
// accelerator, on which network, with which methods. Parsed and validated once by
// sim/scenario/scenario_reader.h; every field is documented with its unit and default in
// docs/scenario.md. Nothing downstream sees JSON.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "locosim/replicas/trainer_config.h"
#include "sim/core/units.h"
#include "sim/methods/method_spec.h"
#include "sim/net/network_options.h"
#include "sim/net/topology.h"

namespace locosim {

// What is trained: a small real model on real data (the proxy).
struct ModelSpec {
  std::string kind = "char_transformer";  // char_transformer | mlp | cnn
  std::string preset;                     // "" | tiny | small | medium: char_transformer sizes
  int layers = 2;                         // char_transformer
  int d_model = 64;                       // char_transformer
  int heads = 4;                          // char_transformer
  int context = 64;                       // char_transformer: tokens per sequence
  int hidden = 128;                       // mlp: width of the hidden layer
  int channels = 8;  // cnn: channels of the first 3x3 convolution (the second has 2x)
};

// What is read and how (trainers/include/locosim/replicas/trainer_config.h): the data plane's
// own torch-free struct, so its defaults are written once. The reader resolves an empty path
// to the Debian default for the kind.
using DataSpec = trainers::DataConfig;

// The inner optimizer every replica runs (the same header). One default depends on the kind:
// lion's learning rate is 3e-4 unless set (docs/scenario.md).
using OptimizerSpec = trainers::InnerOptimizerConfig;

// What the replicas learn: the data's cross-entropy, or DPO rounds with APO (the same
// header; round_steps is filled in from total_steps / rounds for the data plane).
using ObjectiveSpec = trainers::ObjectiveConfig;

// Bytes put on the wire per synchronisation, per replica.
struct PayloadSpec {
  // "auto" = the trained model's own size; otherwise parameters × bytes_per_parameter, or
  // bytes when given.
  std::optional<Bytes> bytes;
  std::optional<double> parameters;
  double bytes_per_parameter = 4;
};

// Virtual time per inner step.
struct ComputeSpec {
  std::optional<SimTime> step_time;  // declared
  // Derived: 6 · target_parameters · tokens_per_step FLOPs at accelerator_tflops · mfu on
  // accelerators_per_replica accelerators.
  std::optional<double> target_parameters;
  double tokens_per_step = 0;
  double accelerator_tflops = 0;
  double mfu = 0.4;
  int accelerators_per_replica = 1;
  // Not a field: 6 (forward and backward), or 8 under the DPO objective (the frozen
  // reference's forward pass too); set by the reader.
  double flops_per_parameter_token = 6;
  double jitter_sigma = 0;        // per step time × LogNormal(-σ²/2, σ²): mean 1
  double straggler_fraction = 0;  // of replicas, chosen by seed, fixed for the run
  double straggler_slowdown = 1;  // their step time multiplier
  bool measured = false;          // use this machine's wall time of each inner phase
  // Pinned heterogeneity: replica -> its step time multiplier (2 = half as fast), on top of
  // jitter and stragglers, measured time included. Replicas not named run at 1.
  std::map<int, double> replica_step_time_factor;
};

// Replica failures (docs/algorithms.md, "Replica failures"). A failed replica loses the phase
// it was computing, is down for `down_for`, then gets the model from a live peer.
struct ScheduledFault {
  int replica = 0;
  SimTime at;        // virtual time of the failure
  SimTime down_for;  // until it starts recovering
};

struct FaultSpec {
  std::vector<ScheduledFault> scheduled;
  // Random failures: per replica, exponential times between them with this mean (none
  // when absent), from stream (seed, "faults", replica); each down for `random_down_for`.
  std::optional<SimTime> mean_time_between_failures;
  SimTime random_down_for = Seconds(60);
  // DiLoCo's, local SGD's and DDP's all-reduce: "quorum" goes on with the live replicas
  // (torchft); "wait" waits for the failed one to come back and redo its phase. NoLoCo always
  // groups only the live replicas.
  std::string all_reduce = "quorum";

  bool any() const { return !scheduled.empty() || mean_time_between_failures.has_value(); }
};

struct NetworkSpec {
  std::string backend = "flow";
  // Exactly one of a topology file (resolved against the scenario file's folder) or a
  // generator with its parameters, as on the `locosim topology` command line.
  std::string topology_file;
  std::string generator;                   // star | ring | regions | internet
  BitsPerSecond bandwidth = Gbps(1);       // star, ring: every link; regions: intra-region
  SimTime latency = Milliseconds(10);      // star, ring: every link; regions: intra-region
  int regions = 3;                         // regions, internet
  BitsPerSecond wan_bandwidth = Gbps(1);   // regions
  SimTime wan_latency = Milliseconds(40);  // regions
  std::uint64_t generator_seed = 1;        // internet
  // Overrides applied to every link after loading or generating.
  std::optional<BitsPerSecond> override_bandwidth;
  std::optional<SimTime> override_latency;
  std::optional<double> override_loss_rate;
  std::optional<LatencyJitter> override_jitter;
  NetworkOptions options;
};

struct EvalSpec {
  int every_steps = 50;  // inner steps between evaluations (rounded to whole rounds)
  int batches = 8;       // validation batches per evaluation
};

struct Scenario {
  std::string file;  // where it was read from ("" if built in code)
  std::string name;
  std::uint64_t seed = 1;
  // A list of two or more seeds ("seeds"): every method runs on each (tools/cli/seed_runs.h),
  // `seed` is the first. Empty for a run on one seed.
  std::vector<std::uint64_t> seeds;
  int replicas = 16;
  ModelSpec model;
  DataSpec data;
  int batch_size = 16;
  OptimizerSpec inner_optimizer;
  ObjectiveSpec objective;
  int inner_steps = 50;   // H
  int total_steps = 500;  // inner steps per replica, for every method
  EvalSpec eval;
  std::optional<double> target_loss;
  std::vector<MethodSpec> methods;
  PayloadSpec payload;
  ComputeSpec compute;
  NetworkSpec network;
  std::string device = "cpu";
  // Replicas trained in parallel (0 = one per core). Each torch operation runs on one thread,
  // so the results do not depend on it, only the wall time does.
  int threads = 0;
  // How a set's replicas are stepped: "stacked" (chunks of replicas in batched kernels),
  // "loop" (one replica at a time) or "auto" (stacked where the model has a stacked forward
  // pass: char_transformer and mlp).
  std::string replica_batching = "auto";
  FaultSpec faults;
  // Rounds between checkpoints (sim/engine/checkpoint_store.h); 0 = none.
  int checkpoint_every_rounds = 0;
};

}  // namespace locosim
