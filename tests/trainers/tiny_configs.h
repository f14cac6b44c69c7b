// Small, fast configurations shared by the trainers tests: models that take about a
// millisecond per step on one core, on the default Debian datasets.
#pragma once

#include "locosim/replicas/trainer_config.h"

namespace locosim::trainers::testing {

// A 1-layer, 32-wide char transformer on the fortunes, 32-byte context (about 30k parameters).
inline TrainerConfig TinyCharLm() {
  TrainerConfig c;
  c.model.kind = "char_transformer";
  c.model.n_layers = 1;
  c.model.d_model = 32;
  c.model.n_heads = 2;
  c.data.kind = "text";
  c.context = 32;
  c.batch_size = 16;
  c.optimizer.kind = "adamw";
  c.optimizer.lr = 3e-3;
  c.optimizer.max_grad_norm = 0;  // the values these tests' figures were measured with
  c.data.validation_fraction = 0.1;
  c.seed = 1;
  c.eval_batches = 8;
  return c;
}

// An MLP with one hidden layer of 32 on Fashion-MNIST (about 25k parameters).
inline TrainerConfig TinyMlp() {
  TrainerConfig c;
  c.model.kind = "mlp";
  c.model.mlp_hidden = {32};
  c.data.kind = "fashion_mnist";
  c.batch_size = 32;
  c.optimizer.kind = "adamw";
  c.optimizer.lr = 2e-3;
  c.optimizer.max_grad_norm = 0;  // the values these tests' figures were measured with
  c.data.validation_fraction = 0.1;
  c.seed = 1;
  c.eval_batches = 16;
  return c;
}

}  // namespace locosim::trainers::testing
