#include "locosim/data/fashion_mnist.h"

#include <zlib.h>

#include <array>
#include <filesystem>
#include <memory>

#include "locosim/trainers/error.h"

namespace locosim::trainers {
namespace {

constexpr int kUnsignedByteType = 0x08;  // IDX element type code for uint8

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

void ReadExactly(gzFile file, void* out, std::size_t bytes, const std::string& name) {
  auto* p = static_cast<unsigned char*>(out);
  while (bytes > 0) {
    const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(bytes, 1u << 30));
    const int got = gzread(file, p, chunk);
    if (got <= 0) throw TrainerError("Fashion-MNIST file " + name + " is truncated or corrupt");
    p += got;
    bytes -= static_cast<std::size_t>(got);
  }
}

LabelledImages ReadPair(const std::string& dir, const std::string& prefix) {
  const IdxArray images = ReadIdx(dir + "/" + prefix + "-images-idx3-ubyte.gz");
  const IdxArray labels = ReadIdx(dir + "/" + prefix + "-labels-idx1-ubyte.gz");
  if (images.dims.size() != 3 || labels.dims.size() != 1 || images.dims[0] != labels.dims[0]) {
    throw TrainerError("Fashion-MNIST " + prefix + " files in " + dir + " have mismatched shapes");
  }
  LabelledImages out{images.dims[0], images.dims[1], images.dims[2], images.data, labels.data};
  for (auto label : out.labels) {
    if (label >= 10) throw TrainerError("Fashion-MNIST label out of range in " + dir);
  }
  return out;
}

}  // namespace

IdxArray ReadIdx(const std::string& file) {
  if (!std::filesystem::exists(file)) {
    throw TrainerError("Fashion-MNIST file " + file +
                       " not found: install the Debian package `dataset-fashion-mnist` "
                       "(apt-get install dataset-fashion-mnist) or set the data path");
  }
  std::unique_ptr<gzFile_s, GzCloser> in(gzopen(file.c_str(), "rb"));
  if (!in) throw TrainerError("cannot open Fashion-MNIST file " + file);
  std::array<unsigned char, 4> magic{};
  ReadExactly(in.get(), magic.data(), magic.size(), file);
  // Magic: two zero bytes, the element type, the number of dimensions; then big-endian sizes.
  if (magic[0] != 0 || magic[1] != 0 || magic[2] != kUnsignedByteType || magic[3] == 0 ||
      magic[3] > 4) {
    throw TrainerError("Fashion-MNIST file " + file + " is not an IDX file of bytes");
  }
  IdxArray out;
  std::int64_t total = 1;
  for (int d = 0; d < magic[3]; ++d) {
    std::array<unsigned char, 4> size{};
    ReadExactly(in.get(), size.data(), size.size(), file);
    const std::int64_t n =
        (std::int64_t(size[0]) << 24) | (size[1] << 16) | (size[2] << 8) | size[3];
    out.dims.push_back(n);
    total *= n;
  }
  if (total <= 0 || total > (std::int64_t(1) << 32)) {
    throw TrainerError("Fashion-MNIST file " + file + " declares an implausible size");
  }
  out.data.resize(static_cast<std::size_t>(total));
  ReadExactly(in.get(), out.data.data(), out.data.size(), file);
  return out;
}

FashionMnist LoadFashionMnist(const std::string& dir) {
  return FashionMnist{ReadPair(dir, "train"), ReadPair(dir, "t10k")};
}

}  // namespace locosim::trainers
