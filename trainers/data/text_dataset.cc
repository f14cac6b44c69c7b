#include <string>

#include "locosim/data/dataset.h"
#include "locosim/trainers/error.h"

namespace locosim::trainers {
namespace {

class TextDataset final : public Dataset {
 public:
  TextDataset(TextCorpus corpus, std::int64_t context)
      : corpus_(std::move(corpus)), context_(context) {
    for (Split split : {Split::kTrain, Split::kValidation}) {
      if (size(split) < 1) {
        throw TrainerError(
            std::string("the text's ") + (split == Split::kTrain ? "training" : "validation") +
            " split is shorter than context + 1 = " + std::to_string(context + 1) + " tokens");
      }
    }
  }

  Task task() const override { return Task::kNextToken; }
  std::int64_t classes() const override { return corpus_.vocab_size(); }
  std::int64_t size(Split split) const override {
    return static_cast<std::int64_t>(tokens(split).size()) - context_;
  }

  Batch MakeBatch(Split split, std::span<const std::int64_t> indices) const override {
    const auto& text = tokens(split);
    const auto batch = static_cast<std::int64_t>(indices.size());
    auto inputs = torch::empty({batch, context_}, torch::kLong);
    auto targets = torch::empty({batch, context_}, torch::kLong);
    auto* in = inputs.data_ptr<std::int64_t>();
    auto* out = targets.data_ptr<std::int64_t>();
    for (std::int64_t b = 0; b < batch; ++b) {
      const auto start = static_cast<std::size_t>(indices[b]);
      for (std::int64_t t = 0; t < context_; ++t) {
        *in++ = text[start + t];
        *out++ = text[start + t + 1];
      }
    }
    return {inputs, targets};
  }

 private:
  const std::vector<std::int32_t>& tokens(Split split) const {
    return split == Split::kTrain ? corpus_.train : corpus_.validation;
  }

  TextCorpus corpus_;
  std::int64_t context_;
};

}  // namespace

std::shared_ptr<const Dataset> MakeTextDataset(TextCorpus corpus, std::int64_t context) {
  return std::make_shared<TextDataset>(std::move(corpus), context);
}

}  // namespace locosim::trainers
