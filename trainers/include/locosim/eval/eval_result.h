// What an evaluation reports. Torch-free.
#pragma once

#include <optional>

namespace locosim::trainers {

struct EvalResult {
  double loss = 0;                   // mean cross-entropy over the validation subset (nats)
  std::optional<double> perplexity;  // language models: exp(loss)
  std::optional<double> accuracy;    // classifiers: fraction of examples labelled right
};

}  // namespace locosim::trainers
