#include "locosim/replicas/trainer_config.h"

#include <sstream>

#include "locosim/trainers/error.h"

namespace locosim::trainers {
namespace {

void Require(bool ok, const std::string& field, const std::string& expected) {
  if (!ok) throw TrainerError("trainer config: " + field + ": expected " + expected);
}

bool OneOf(const std::string& value, std::initializer_list<const char*> choices) {
  for (const char* c : choices) {
    if (value == c) return true;
  }
  return false;
}

}  // namespace

void Validate(const TrainerConfig& c) {
  const ModelConfig& m = c.model;
  Require(OneOf(m.kind, {"char_transformer", "mlp", "cnn"}), "model.kind",
          "\"char_transformer\", \"mlp\" or \"cnn\", got \"" + m.kind + "\"");
  Require(OneOf(c.data.kind, {"text", "fashion_mnist"}), "data.kind",
          "\"text\" or \"fashion_mnist\", got \"" + c.data.kind + "\"");
  if (m.kind == "char_transformer") {
    Require(c.data.kind == "text", "model.kind", "mlp or cnn for fashion_mnist data");
    Require(m.n_layers >= 1, "model.n_layers", ">= 1");
    Require(m.n_heads >= 1, "model.n_heads", ">= 1");
    Require(m.d_model >= 1 && m.d_model % m.n_heads == 0, "model.d_model",
            "a positive multiple of model.n_heads");
    Require(m.mlp_ratio >= 1, "model.mlp_ratio", ">= 1");
  } else {
    Require(c.data.kind == "fashion_mnist", "model.kind", "char_transformer for text data");
  }
  for (int width : m.mlp_hidden) Require(width >= 1, "model.mlp_hidden", "positive widths");
  Require(m.cnn_channels >= 1, "model.cnn_channels", ">= 1");
  Require(OneOf(c.data.vocab, {"byte", "char"}), "data.vocab", "\"byte\" or \"char\"");
  Require(c.data.validation_fraction >= 0.001 && c.data.validation_fraction <= 0.5,
          "data.validation_fraction", "a fraction in [0.001, 0.5]");

  const InnerOptimizerConfig& o = c.optimizer;
  Require(OneOf(o.kind, {"adamw", "adan", "lion"}), "optimizer.kind",
          "\"adamw\", \"adan\" or \"lion\", got \"" + o.kind + "\"");
  Require(o.lr > 0, "optimizer.lr", "> 0");
  const std::size_t betas = o.kind == "adan" ? 3 : 2;
  Require(o.betas.empty() || o.betas.size() == betas, "optimizer.betas",
          std::to_string(betas) + " values for " + o.kind + ", or none for its defaults");
  for (double b : o.betas) Require(b >= 0 && b < 1, "optimizer.betas", "values in [0, 1)");
  Require(o.weight_decay >= 0, "optimizer.weight_decay", ">= 0");
  Require(o.eps >= 0, "optimizer.eps", ">= 0");
  Require(o.max_grad_norm >= 0, "optimizer.max_grad_norm", ">= 0 (0 = no clipping)");
  Require(o.warmup_steps >= 0, "optimizer.warmup_steps", ">= 0");
  Require(o.cosine_steps == 0 || o.cosine_steps > o.warmup_steps, "optimizer.cosine_steps",
          "0 (no decay) or more than warmup_steps");
  Require(o.min_lr_ratio >= 0 && o.min_lr_ratio <= 1, "optimizer.min_lr_ratio", "in [0, 1]");

  Require(c.batch_size >= 1, "batch_size", ">= 1");
  Require(c.context >= 1, "context", ">= 1");
  Require(c.device == "cpu" || c.device.rfind("cuda", 0) == 0, "device",
          "\"cpu\", \"cuda\" or \"cuda:N\", got \"" + c.device + "\"");
  Require(c.threads >= 1, "threads", ">= 1");
  Require(OneOf(c.replica_batching, {"auto", "stacked", "loop"}), "replica_batching",
          "\"auto\", \"stacked\" or \"loop\", got \"" + c.replica_batching + "\"");
  Require(c.replica_batching != "stacked" || m.kind != "cnn", "replica_batching",
          "\"loop\" or \"auto\" for a cnn (stacked kernels cover char_transformer and mlp)");
  Require(c.eval_batches >= 1, "eval_batches", ">= 1");

  const ObjectiveConfig& j = c.objective;
  Require(OneOf(j.kind, {"cross_entropy", "dpo"}), "objective.kind",
          "\"cross_entropy\" or \"dpo\", got \"" + j.kind + "\"");
  if (!j.dpo()) return;
  Require(m.kind == "char_transformer", "objective.kind",
          "\"cross_entropy\" for a " + m.kind + " (dpo trains a char_transformer on text)");
  Require(c.data.vocab == "byte", "data.vocab", "\"byte\" for objective dpo");
  Require(j.beta > 0, "objective.beta", "> 0");
  Require(j.rounds >= 1, "objective.rounds", ">= 1");
  Require(j.apo_alpha >= 0 && j.apo_alpha < 1, "objective.apo_alpha", "in [0, 1)");
  Require(j.round_steps >= 0, "objective.round_steps", ">= 0 (0 = one round)");
  Require(j.prompt_tokens >= 1, "objective.prompt_tokens", ">= 1");
  Require(j.response_tokens >= 2, "objective.response_tokens", ">= 2");
  Require(j.prompt_tokens + j.response_tokens - 1 <= c.context, "objective.response_tokens",
          "prompt_tokens + response_tokens - 1 <= context (" + std::to_string(c.context) + ")");
  Require(OneOf(j.rejected, {"shuffled_words", "shuffled_letters"}), "objective.rejected",
          "\"shuffled_words\" or \"shuffled_letters\", got \"" + j.rejected + "\"");
}

std::string Describe(const TrainerConfig& c) {
  std::ostringstream out;
  const auto list = [](const auto& values) {
    std::ostringstream s;
    s << '[';
    for (std::size_t i = 0; i < values.size(); ++i) s << (i ? ", " : "") << values[i];
    s << ']';
    return s.str();
  };
  out << "model.kind = " << c.model.kind << '\n';
  if (c.model.kind == "char_transformer") {
    out << "model.n_layers = " << c.model.n_layers << "\nmodel.d_model = " << c.model.d_model
        << "\nmodel.n_heads = " << c.model.n_heads << "\nmodel.mlp_ratio = " << c.model.mlp_ratio
        << '\n';
  } else if (c.model.kind == "mlp") {
    out << "model.mlp_hidden = " << list(c.model.mlp_hidden) << '\n';
  } else {
    out << "model.cnn_channels = " << c.model.cnn_channels << '\n';
  }
  out << "data.kind = " << c.data.kind
      << "\ndata.path = " << (c.data.path.empty() ? "(default)" : c.data.path)
      << "\ndata.vocab = " << c.data.vocab
      << "\ndata.validation_fraction = " << c.data.validation_fraction
      << "\ndata.iid = " << (c.data.iid ? "true" : "false") << '\n';
  const InnerOptimizerConfig& o = c.optimizer;
  out << "optimizer.kind = " << o.kind << "\noptimizer.lr = " << o.lr
      << "\noptimizer.betas = " << (o.betas.empty() ? "(defaults)" : list(o.betas))
      << "\noptimizer.weight_decay = " << o.weight_decay << "\noptimizer.eps = " << o.eps
      << "\noptimizer.adan_no_prox = " << (o.adan_no_prox ? "true" : "false")
      << "\noptimizer.max_grad_norm = " << o.max_grad_norm
      << "\noptimizer.warmup_steps = " << o.warmup_steps
      << "\noptimizer.cosine_steps = " << o.cosine_steps
      << "\noptimizer.min_lr_ratio = " << o.min_lr_ratio << '\n';
  out << "batch_size = " << c.batch_size << "\ncontext = " << c.context << "\nseed = " << c.seed
      << "\ndevice = " << c.device << "\nthreads = " << c.threads
      << "\nreplica_batching = " << c.replica_batching << "\neval_batches = " << c.eval_batches
      << '\n';
  const ObjectiveConfig& j = c.objective;
  out << "objective.kind = " << j.kind << '\n';
  if (j.dpo()) {
    out << "objective.beta = " << j.beta << "\nobjective.rounds = " << j.rounds
        << "\nobjective.apo_alpha = " << j.apo_alpha
        << "\nobjective.round_steps = " << j.round_steps
        << "\nobjective.prompt_tokens = " << j.prompt_tokens
        << "\nobjective.response_tokens = " << j.response_tokens
        << "\nobjective.rejected = " << j.rejected << '\n';
  }
  return out.str();
}

}  // namespace locosim::trainers
