#include <string>

#include "locosim/data/dataset.h"
#include "locosim/trainers/error.h"

namespace locosim::trainers {
namespace {

class PreferenceDataset final : public Dataset {
 public:
  PreferenceDataset(PreferencePairs pairs, std::int64_t context)
      : pairs_(std::move(pairs)), context_(context) {
    for (const auto* split : {&pairs_.train, &pairs_.validation}) {
      for (const PreferencePair& p : *split) {
        if (p.prompt.empty() || p.chosen.size() != p.rejected.size() ||
            std::int64_t(p.prompt.size() + p.chosen.size()) - 1 > context_) {
          throw TrainerError("a preference pair does not fit a context of " +
                             std::to_string(context_) + " tokens");
        }
      }
    }
  }

  Task task() const override { return Task::kPreference; }
  std::int64_t classes() const override { return 256; }  // bytes
  std::int64_t size(Split split) const override {
    return static_cast<std::int64_t>(pairs(split).size());
  }

  Batch MakeBatch(Split split, std::span<const std::int64_t> indices) const override {
    const auto count = static_cast<std::int64_t>(indices.size());
    auto inputs = torch::zeros({2 * count, context_}, torch::kLong);
    auto targets = torch::zeros({2 * count, context_}, torch::kLong);
    auto mask = torch::zeros({2 * count, context_}, torch::kBool);
    auto in = inputs.accessor<std::int64_t, 2>();
    auto out = targets.accessor<std::int64_t, 2>();
    auto response = mask.accessor<bool, 2>();
    for (std::int64_t b = 0; b < count; ++b) {
      const PreferencePair& pair = pairs(split)[static_cast<std::size_t>(indices[b])];
      for (std::int64_t half = 0; half < 2; ++half) {
        const std::string sequence = pair.prompt + (half == 0 ? pair.chosen : pair.rejected);
        const std::int64_t row = half * count + b;
        const auto prompt = static_cast<std::int64_t>(pair.prompt.size());
        for (std::int64_t t = 0; t + 1 < std::int64_t(sequence.size()); ++t) {
          in[row][t] = static_cast<unsigned char>(sequence[t]);
          out[row][t] = static_cast<unsigned char>(sequence[t + 1]);
          response[row][t] = t + 1 >= prompt;
        }
      }
    }
    return {inputs, targets, mask, {}};
  }

 private:
  const std::vector<PreferencePair>& pairs(Split split) const {
    return split == Split::kTrain ? pairs_.train : pairs_.validation;
  }

  PreferencePairs pairs_;
  std::int64_t context_;
};

}  // namespace

std::shared_ptr<const Dataset> MakePreferenceDataset(PreferencePairs pairs, std::int64_t context) {
  return std::make_shared<PreferenceDataset>(std::move(pairs), context);
}

}  // namespace locosim::trainers
