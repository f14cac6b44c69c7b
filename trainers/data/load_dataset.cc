#include "locosim/data/dataset.h"

namespace locosim::trainers {

Batch ToDevice(const Batch& batch, torch::Device device) {
  auto to = [&](const torch::Tensor& t) { return t.defined() ? t.to(device) : t; };
  return {to(batch.inputs), to(batch.targets), to(batch.response_mask),
          to(batch.reference_log_probs)};
}

std::shared_ptr<const Dataset> LoadDataset(const TrainerConfig& trainer) {
  const DataConfig& config = trainer.data;
  const std::int64_t context = trainer.context;
  if (trainer.objective.dpo()) {
    const std::string path = config.path.empty() ? kFortunesPath : config.path;
    return MakePreferenceDataset(
        MakePreferencePairs(path, trainer.objective, config.validation_fraction, trainer.seed),
        context);
  }
  if (config.kind == "fashion_mnist") {
    const std::string dir = config.path.empty() ? kFashionMnistPath : config.path;
    return MakeImageDataset(LoadFashionMnist(dir), /*order_by_label=*/!config.iid);
  }
  const std::string path = config.path.empty() ? kFortunesPath : config.path;
  const auto vocabulary = config.vocab == "char" ? Vocabulary::kChar : Vocabulary::kByte;
  return MakeTextDataset(LoadTextCorpus(path, vocabulary, config.validation_fraction), context);
}

}  // namespace locosim::trainers
