#include <algorithm>
#include <numeric>

#include "locosim/data/dataset.h"
#include "locosim/trainers/error.h"

namespace locosim::trainers {
namespace {

// Fashion-MNIST training-set statistics of pixel / 255.
constexpr float kMean = 0.2860f;
constexpr float kStd = 0.3530f;

class ImageDataset final : public Dataset {
 public:
  ImageDataset(FashionMnist images, bool order_by_label) : images_(std::move(images)) {
    train_order_.resize(static_cast<std::size_t>(images_.train.count));
    std::iota(train_order_.begin(), train_order_.end(), 0);
    if (order_by_label) {
      std::stable_sort(train_order_.begin(), train_order_.end(), [&](auto a, auto b) {
        return images_.train.labels[a] < images_.train.labels[b];
      });
    }
  }

  Task task() const override { return Task::kClassification; }
  std::int64_t classes() const override { return 10; }
  std::int64_t size(Split split) const override { return set(split).count; }

  Batch MakeBatch(Split split, std::span<const std::int64_t> indices) const override {
    const LabelledImages& s = set(split);
    const auto batch = static_cast<std::int64_t>(indices.size());
    const std::int64_t pixels = s.rows * s.cols;
    auto inputs = torch::empty({batch, 1, s.rows, s.cols}, torch::kFloat);
    auto targets = torch::empty({batch}, torch::kLong);
    auto* in = inputs.data_ptr<float>();
    auto* label = targets.data_ptr<std::int64_t>();
    for (std::int64_t b = 0; b < batch; ++b) {
      const auto example =
          split == Split::kTrain ? train_order_[static_cast<std::size_t>(indices[b])] : indices[b];
      const auto* p = s.pixels.data() + example * pixels;
      for (std::int64_t i = 0; i < pixels; ++i) *in++ = (p[i] / 255.0f - kMean) / kStd;
      label[b] = s.labels[static_cast<std::size_t>(example)];
    }
    return {inputs, targets};
  }

 private:
  const LabelledImages& set(Split split) const {
    return split == Split::kTrain ? images_.train : images_.test;
  }

  FashionMnist images_;
  std::vector<std::int64_t> train_order_;  // training index -> example in the file
};

}  // namespace

std::shared_ptr<const Dataset> MakeImageDataset(FashionMnist images, bool order_by_label) {
  return std::make_shared<ImageDataset>(std::move(images), order_by_label);
}

}  // namespace locosim::trainers
