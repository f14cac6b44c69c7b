// What a method puts on the wire when it sends a tensor (docs/algorithms.md, "Compression"),
// and how many bytes that takes. Torch-free and header-only: the control plane sizes its
// transfers with WireBytes and the data plane (locosim/outer/compression.h) encodes with the
// same rules, so the bytes simulated are the bytes the encoding would produce.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace locosim::trainers {

enum class WireFormat {
  kFp32,  // as trained: no compression
  kBf16,  // round to nearest even, 2 bytes per element
  kInt8,  // symmetric linear, q in [-127, 127], s = max|x| / 127, a fp32 scale per group
  kInt4,  // symmetric linear, q in [-7, 7], s = max|x| / 7, two per byte, a fp32 scale per group
  kTopK,  // the largest |e| with error feedback, sent as (int32 index, value) pairs
};

// Which elements share one int8/int4 scale.
enum class ScaleGroup {
  kRow,     // each row of a matrix (dimension 0; a 1-D tensor is one row)
  kTensor,  // the whole tensor
};

struct CompressionConfig {
  WireFormat format = WireFormat::kFp32;
  ScaleGroup scale = ScaleGroup::kRow;  // int8, int4
  // Top-k (SparseLoCo, arXiv 2508.15706): per tensor k = ceil(fraction · numel) (at least 1)
  // of the error buffer e <- decay · e + delta are sent; e keeps what was not.
  double topk_fraction = 0.01;
  double error_feedback_decay = 1.0;
  WireFormat topk_values = WireFormat::kFp32;  // fp32, bf16, or int8 with one scale per tensor

  bool compresses() const { return format != WireFormat::kFp32; }
};

constexpr std::int64_t kFp32Bytes = 4;
constexpr std::int64_t kTopKIndexBytes =
    4;  // int32; SparseLoCo's 12-bit chunked indices are not modelled

inline std::int64_t Elements(std::span<const std::int64_t> shape) {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  return n;
}

// Top-k's k for a tensor of n elements.
inline std::int64_t TopKCount(std::int64_t n, double fraction) {
  if (n == 0) return 0;
  const auto k = static_cast<std::int64_t>(std::ceil(fraction * static_cast<double>(n) - 1e-9));
  return std::min(n, std::max<std::int64_t>(1, k));
}

// Bytes of one tensor of `shape` sent in `config`'s format: payload, scales and indices.
inline std::int64_t WireBytes(const CompressionConfig& config,
                              std::span<const std::int64_t> shape) {
  const std::int64_t n = Elements(shape);
  const std::int64_t groups =
      config.scale == ScaleGroup::kTensor || shape.size() < 2 ? 1 : shape[0];
  switch (config.format) {
    case WireFormat::kFp32:
      return kFp32Bytes * n;
    case WireFormat::kBf16:
      return 2 * n;
    case WireFormat::kInt8:
      return n + kFp32Bytes * groups;
    case WireFormat::kInt4:
      return (n + 1) / 2 + kFp32Bytes * groups;
    case WireFormat::kTopK: {
      const std::int64_t k = TopKCount(n, config.topk_fraction);
      switch (config.topk_values) {
        case WireFormat::kBf16:
          return k * (kTopKIndexBytes + 2);
        case WireFormat::kInt8:
          return k * (kTopKIndexBytes + 1) + kFp32Bytes;
        default:
          return k * (kTopKIndexBytes + kFp32Bytes);
      }
    }
  }
  return kFp32Bytes * n;
}

// The same summed over a model's parameters.
inline std::int64_t WireBytes(const CompressionConfig& config,
                              const std::vector<std::vector<std::int64_t>>& shapes) {
  std::int64_t bytes = 0;
  for (const auto& shape : shapes) bytes += WireBytes(config, shape);
  return bytes;
}

}  // namespace locosim::trainers
