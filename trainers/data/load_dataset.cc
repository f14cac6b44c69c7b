#include "locosim/data/dataset.h"

namespace locosim::trainers {

std::shared_ptr<const Dataset> LoadDataset(const DataConfig& config, std::int64_t context) {
  if (config.kind == "fashion_mnist") {
    const std::string dir = config.path.empty() ? kFashionMnistPath : config.path;
    return MakeImageDataset(LoadFashionMnist(dir), /*order_by_label=*/!config.iid);
  }
  const std::string path = config.path.empty() ? kFortunesPath : config.path;
  const auto vocabulary = config.vocab == "char" ? Vocabulary::kChar : Vocabulary::kByte;
  return MakeTextDataset(LoadTextCorpus(path, vocabulary, config.validation_fraction), context);
}

}  // namespace locosim::trainers
