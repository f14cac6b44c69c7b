// Fashion-MNIST (Xiao et al. 2017) from the gzip IDX files Debian's `dataset-fashion-mnist`
// installs: 60000 training and 10000 test images, 28x28 grey, 10 classes. Torch-free; zlib
// reads gzip and plain IDX files alike.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace locosim::trainers {

inline constexpr const char* kFashionMnistPath = "/usr/share/datasets/fashion-mnist";

struct LabelledImages {
  std::int64_t count = 0;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<std::uint8_t> pixels;  // count * rows * cols, row-major, 0 = background
  std::vector<std::uint8_t> labels;  // count, each in [0, 10)
};

struct FashionMnist {
  LabelledImages train;  // train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz
  LabelledImages test;   // t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz
};

// Reads the four files under `dir`. Throws TrainerError when one is missing (naming the Debian
// package `dataset-fashion-mnist`), truncated, or has a wrong magic number or sizes.
FashionMnist LoadFashionMnist(const std::string& dir);

// One IDX file of unsigned bytes: its dimensions and data. Throws TrainerError as above.
struct IdxArray {
  std::vector<std::int64_t> dims;
  std::vector<std::uint8_t> data;
};
IdxArray ReadIdx(const std::string& file);

}  // namespace locosim::trainers
