// Training and validation examples addressable by index, turned into batches on demand.
// Immutable once loaded, so all replicas of a set share one instance; each replica brings its
// own SampleStream of indices.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <span>

#include "locosim/data/fashion_mnist.h"
#include "locosim/data/preference_pairs.h"
#include "locosim/data/text_corpus.h"
#include "locosim/replicas/trainer_config.h"

namespace locosim::trainers {

struct Batch {
  torch::Tensor inputs;   // text: int64 [B, context]; images: float [B, 1, 28, 28]
  torch::Tensor targets;  // text: int64 [B, context], the next token; images: int64 [B]
  // Preference pairs only (B pairs give 2B rows: the chosen continuations, then the rejected
  // ones, same prompts in the same order): bool [2B, context], true where the target is a
  // response token; and, for validation batches, float [2B], the sequence log-probabilities
  // of the run's initial model, the fixed reference of evaluations.
  torch::Tensor response_mask;
  torch::Tensor reference_log_probs;
};

// `batch` with every tensor it has on `device` (a copy only where it is elsewhere).
Batch ToDevice(const Batch& batch, torch::Device device);

enum class Split { kTrain, kValidation };

enum class Task {
  kNextToken,       // targets are the inputs shifted by one; report perplexity
  kClassification,  // one label per example; report accuracy
  kPreference,      // a chosen and a rejected continuation per example; report DPO's terms
};

class Dataset {
 public:
  virtual ~Dataset() = default;

  virtual Task task() const = 0;
  // Vocabulary size (text) or number of labels (images): the width of the model's output.
  virtual std::int64_t classes() const = 0;
  // Number of examples (text: windows of context + 1 tokens) in a split.
  virtual std::int64_t size(Split split) const = 0;
  // A CPU batch of the examples at `indices`. REQUIRES: every index in [0, size(split)).
  virtual Batch MakeBatch(Split split, std::span<const std::int64_t> indices) const = 0;
};

// Windows of context + 1 consecutive tokens: example i predicts tokens i+1 .. i+context from
// tokens i .. i+context-1. Throws TrainerError when a split is shorter than one window.
std::shared_ptr<const Dataset> MakeTextDataset(TextCorpus corpus, std::int64_t context);

// Images scaled to [0, 1] then standardised with the training set's mean and deviation
// (0.2860, 0.3530). order_by_label: training examples sorted by label (stably), so that
// contiguous slices are non-iid; validation examples are the test set, in file order.
std::shared_ptr<const Dataset> MakeImageDataset(FashionMnist images, bool order_by_label);

// Preference pairs (locosim/data/preference_pairs.h) as examples: example i is pair i, its
// rows prompt + continuation predicted from the prompt's last token on, padded to `context`.
// REQUIRES: every pair's prompt + continuation - 1 <= context.
std::shared_ptr<const Dataset> MakePreferenceDataset(PreferencePairs pairs, std::int64_t context);

// What config's data and objective name, read from disk: text, images, or preference pairs
// of the text. Throws TrainerError as the loaders do.
std::shared_ptr<const Dataset> LoadDataset(const TrainerConfig& config);

}  // namespace locosim::trainers
