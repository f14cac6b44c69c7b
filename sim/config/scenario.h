// A scenario as plain data: what is trained, what is modelled on the wire and on the
// accelerator, on which network, with which methods. Parsed and validated once by
// sim/config/scenario_json.h; every field is documented with its unit and default in
// docs/scenario.md. Nothing downstream sees JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/units.h"
#include "sim/net/network_factory.h"
#include "sim/net/topology.h"

namespace locosim {

// What is trained: a small real model on real data (the proxy).
struct ModelSpec {
  std::string kind = "char_transformer";  // char_transformer | mlp | cnn
  int layers = 2;        // char_transformer
  int d_model = 64;      // char_transformer
  int heads = 4;         // char_transformer
  int context = 64;      // char_transformer: tokens per sequence
  int hidden = 128;      // mlp: width of the hidden layer
  int channels = 8;      // cnn: channels of the first 3x3 convolution (the second has 2x)
};

struct DataSpec {
  std::string kind = "text";  // text | fashion_mnist
  std::string path;           // file or folder; empty = the Debian default for the kind
  std::string vocab = "byte"; // text: byte | char
  double validation_fraction = 0.05;
  bool iid = true;            // false: each replica trains on its own contiguous slice
};

struct OptimizerSpec {
  std::string kind = "adamw";  // adamw | adan | lion
  double lr = 3e-3;
  std::vector<double> betas;   // empty = the optimizer's defaults
  double weight_decay = 0.01;
  double eps = 1e-8;
  double max_grad_norm = 1.0;  // 0 = no clipping
  int warmup_steps = 0;        // linear warm-up, per replica
  int cosine_steps = 0;        // 0: constant after warm-up; else cosine decay to lr/10 here
  bool adan_no_prox = false;   // adan: decoupled decay instead of the proximal step
};

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
  std::optional<SimTime> step_time;          // declared
  // Derived: 6 · target_parameters · tokens_per_step FLOPs at accelerator_tflops · mfu on
  // accelerators_per_replica accelerators.
  std::optional<double> target_parameters;
  double tokens_per_step = 0;
  double accelerator_tflops = 0;
  double mfu = 0.4;
  int accelerators_per_replica = 1;
  double jitter_sigma = 0;        // per step time × LogNormal(-σ²/2, σ²): mean 1
  double straggler_fraction = 0;  // of replicas, chosen by seed, fixed for the run
  double straggler_slowdown = 1;  // their step time multiplier
  bool measured = false;          // use this machine's wall time of each inner phase
};

struct NetworkSpec {
  std::string backend = "flow";
  // Exactly one of a topology file (resolved against the scenario file's folder) or a
  // generator with its parameters, as on the `locosim topology` command line.
  std::string topology_file;
  std::string generator;  // star | ring | regions | internet
  BitsPerSecond bandwidth = Gbps(1);          // star, ring: every link; regions: intra-region
  SimTime latency = Milliseconds(10);         // star, ring: every link; regions: intra-region
  int regions = 3;                            // regions, internet
  BitsPerSecond wan_bandwidth = Gbps(1);      // regions
  SimTime wan_latency = Milliseconds(40);     // regions
  std::uint64_t generator_seed = 1;           // internet
  // Overrides applied to every link after loading or generating.
  std::optional<BitsPerSecond> override_bandwidth;
  std::optional<SimTime> override_latency;
  std::optional<double> override_loss_rate;
  NetworkOptions options;
};

struct MethodSpec {
  std::string name;   // label in results; default = kind
  std::string kind;   // diloco | noloco | ddp | local_sgd
  std::optional<int> inner_steps;  // H for this method (default: the scenario's)
  std::string algorithm = "ring";  // all-reduce: ring | halving-doubling | tree
  // DiLoCo outer optimizer.
  std::string outer_optimizer = "nesterov";  // nesterov | heavy_ball
  double outer_lr = 0.7;
  double outer_momentum = 0.9;
  // NoLoCo.
  int group_size = 2;
  double alpha = 0.5;
  double beta = 0.7;
  double gamma = 0.7;
};

struct EvalSpec {
  int every_steps = 50;  // inner steps between evaluations (rounded to whole rounds)
  int batches = 8;       // validation batches per evaluation
};

struct Scenario {
  std::string file;  // where it was read from ("" if built in code)
  std::string name;
  std::uint64_t seed = 1;
  int replicas = 16;
  ModelSpec model;
  DataSpec data;
  int batch_size = 16;
  OptimizerSpec inner_optimizer;
  int inner_steps = 50;        // H
  int total_steps = 500;       // inner steps per replica, for every method
  EvalSpec eval;
  std::optional<double> target_loss;
  std::vector<MethodSpec> methods;
  PayloadSpec payload;
  ComputeSpec compute;
  NetworkSpec network;
  std::string device = "cpu";
  int threads = 0;  // 0 = as many as the machine has cores
};

}  // namespace locosim
