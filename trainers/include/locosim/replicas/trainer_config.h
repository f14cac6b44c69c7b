// What the data plane trains, as plain data: model, data, inner optimizer, batch, seed,
// device. The data and optimizer structs are also the scenario's sections
// (sim/scenario/scenario.h), so their defaults here are the ones users read in
// docs/scenario.md. The engine fills it from the scenario (trainers/ never sees JSON); Validate
// rejects it with a TrainerError naming the field. Torch-free, so it can be included anywhere.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace locosim::trainers {

// The network. Only the sizes of the kind named are used.
struct ModelConfig {
  std::string kind = "char_transformer";  // "char_transformer" (needs text data) | "mlp" | "cnn"
  // char_transformer; vocabulary size comes from the data, sequence length from `context`.
  int n_layers = 2;   // pre-norm transformer blocks
  int d_model = 64;   // embedding width; a multiple of n_heads
  int n_heads = 4;    // attention heads
  int mlp_ratio = 4;  // hidden width of each block's MLP, in multiples of d_model
  // mlp: widths of the hidden layers (ReLU between); empty is a linear classifier.
  std::vector<int> mlp_hidden = {128};
  // cnn: channels of the first 3x3 convolution; the second has twice as many.
  int cnn_channels = 8;
};

// Where batches come from.
struct DataConfig {
  std::string kind = "text";  // "text" | "fashion_mnist"
  // A file or a folder (read recursively, sorted; symlinks and *.dat files skipped). Empty:
  // /usr/share/games/fortunes (text, package `fortunes`) or /usr/share/datasets/fashion-mnist
  // (package `dataset-fashion-mnist`).
  std::string path;
  std::string vocab = "byte";         // text: "byte" (256 ids) or "char" (the corpus's code points)
  double validation_fraction = 0.05;  // text: the tail of every file is held out; in [0.001, 0.5].
                                      // fashion_mnist validates on its t10k files instead.
  // true: every replica samples the whole training set. false (non-iid): replica r of R samples
  // only the r-th of R contiguous slices (text: in file order; images: ordered by label, so
  // each replica sees about 10/R classes).
  bool iid = true;
};

// The inner optimizer every replica runs between outer steps.
struct InnerOptimizerConfig {
  std::string kind = "adamw";  // "adamw" (LibTorch's) | "adan" | "lion"
  double lr = 3e-3;            // peak learning rate; use 3-10x less for lion
  // Empty: the optimizer's own defaults: adamw (0.9, 0.999), adan (0.98, 0.92, 0.99),
  // lion (0.9, 0.99). Otherwise 2 values (adamw, lion) or 3 (adan), each in [0, 1).
  std::vector<double> betas;
  double weight_decay = 0.01;  // decoupled, on every parameter (adan: proximal unless no_prox)
  double eps = 1e-8;           // adamw, adan
  bool adan_no_prox = false;   // adan: decay before the step instead of the proximal division
  double max_grad_norm = 1.0;  // clip the global gradient norm to this before each step; 0 = off
  int warmup_steps = 0;        // linear warm-up over this many steps, per replica
  int cosine_steps = 0;        // 0: constant after warm-up; else cosine decay to
                               // min_lr_ratio * lr at this step, constant after
  double min_lr_ratio = 0.1;   // floor of the cosine schedule, as a fraction of lr
};

// What the replicas learn. "cross_entropy" is the data's own task: the next token of text,
// the label of an image. "dpo" is preference optimisation on pairs made from the text
// (locosim/data/preference_pairs.h): Direct Preference Optimization in rounds, each against
// the previous round's policy as its reference, with APO's extrapolation between rounds
// (docs/algorithms.md, "Preference optimisation"). Only char_transformer on text, byte vocab.
struct ObjectiveConfig {
  std::string kind = "cross_entropy";  // "cross_entropy" | "dpo"
  double beta = 0.1;                   // DPO's inverse temperature, > 0
  int rounds = 1;        // DPO rounds over the run; 1 is plain DPO against the initial model
  double apo_alpha = 0;  // APO's extrapolation between rounds, in [0, 1); 0 = iterative DPO
  // Inner steps per round, per replica: the run's steps / rounds, set by whoever knows the
  // run's length (the engine); 0 = a single round that never ends.
  std::int64_t round_steps = 0;
  // The pairs: a prompt of the first prompt_tokens bytes of a fortune, its next
  // response_tokens bytes as the chosen continuation, and as the rejected one the same bytes
  // corrupted: "shuffled_words" (the words in a seeded random order) or "shuffled_letters"
  // (each word's inner letters shuffled). prompt + response - 1 <= context.
  int prompt_tokens = 32;
  int response_tokens = 32;
  std::string rejected = "shuffled_words";

  bool dpo() const { return kind == "dpo"; }
};

struct TrainerConfig {
  ModelConfig model;
  DataConfig data;
  InnerOptimizerConfig optimizer;
  ObjectiveConfig objective;
  int batch_size = 16;         // sequences or images per inner step, per replica
  int context = 64;            // tokens per training sequence (text only)
  std::uint64_t seed = 0;      // initial weights (same on every replica) and data streams
  std::string device = "cpu";  // "cpu", "cuda" or "cuda:N"; cuda needs a CUDA LibTorch
  int threads = 1;             // replicas trained in parallel; each torch op runs on one thread
  // How replicas step together: "stacked" puts their weights in [replicas, ...] tensors and
  // steps them in batched kernels (char_transformer, mlp); "loop" steps each replica's own
  // model; "auto" is stacked where the model has stacked kernels, else loop.
  std::string replica_batching = "auto";
  int eval_batches = 8;  // validation batches per evaluation (a fixed subset)
};

// Throws TrainerError naming the first invalid field and what it should be. Checks values and
// combinations only; a missing dataset or device is reported when the ReplicaSet is built.
void Validate(const TrainerConfig& config);

// The configuration as "key = value" lines, for the start-up echo.
std::string Describe(const TrainerConfig& config);

}  // namespace locosim::trainers
