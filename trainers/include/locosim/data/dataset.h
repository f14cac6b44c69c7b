// Training and validation examples addressable by index, turned into batches on demand.
// Immutable once loaded, so all replicas of a set share one instance; each replica brings its
// own SampleStream of indices.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <span>

#include "locosim/data/fashion_mnist.h"
#include "locosim/data/text_corpus.h"
#include "locosim/replicas/trainer_config.h"

namespace locosim::trainers {

struct Batch {
  torch::Tensor inputs;   // text: int64 [B, context]; images: float [B, 1, 28, 28]
  torch::Tensor targets;  // text: int64 [B, context], the next token; images: int64 [B]
};

enum class Split { kTrain, kValidation };

enum class Task {
  kNextToken,       // targets are the inputs shifted by one; report perplexity
  kClassification,  // one label per example; report accuracy
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

// The dataset config.data names, read from disk. Throws TrainerError as the loaders do.
std::shared_ptr<const Dataset> LoadDataset(const DataConfig& config, std::int64_t context);

}  // namespace locosim::trainers
