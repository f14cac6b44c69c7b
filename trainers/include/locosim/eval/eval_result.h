// What an evaluation reports. Torch-free.
#pragma once

#include <optional>

namespace locosim::trainers {

struct EvalResult {
  // Mean cross-entropy over the validation subset (nats); for the DPO objective the mean DPO
  // loss of the held-out pairs against the run's initial model.
  double loss = 0;
  std::optional<double> perplexity;  // language models: exp(loss)
  // Classifiers: the fraction of examples labelled right. DPO: the fraction of held-out pairs
  // whose chosen continuation the model finds likelier than the rejected one.
  std::optional<double> accuracy;
  // DPO: the mean implicit reward margin β·h of the held-out pairs against the initial model.
  std::optional<double> reward_margin;
};

}  // namespace locosim::trainers
