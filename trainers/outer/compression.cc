#include "locosim/outer/compression.h"

#include <cassert>

namespace locosim::trainers {
namespace {

// Symmetric linear quantization with one scale per row of `rows` (a [groups, n] view):
// s = max|x| / levels, q = round(x / s) in [-levels, levels], decoded as q · s. A group of
// zeros has s = 0 and decodes to zeros. torch::round is half to even, as a CPU's rint.
torch::Tensor LinearRoundTrip(const torch::Tensor& rows, double levels) {
  const torch::Tensor scale = rows.abs().amax(/*dim=*/1, /*keepdim=*/true).div_(levels);
  const torch::Tensor safe = torch::where(scale > 0, scale, torch::ones_like(scale));
  const torch::Tensor q = torch::round(rows / safe).clamp_(-levels, levels);
  return q.mul_(scale);
}

torch::Tensor GroupedRows(const torch::Tensor& x, ScaleGroup group) {
  if (group == ScaleGroup::kTensor || x.dim() < 2) return x.reshape({1, -1});
  return x.reshape({x.size(0), -1});
}

}  // namespace

torch::Tensor WireRoundTrip(const torch::Tensor& x, const CompressionConfig& config) {
  torch::NoGradGuard no_grad;
  switch (config.format) {
    case WireFormat::kFp32:
      return x;
    case WireFormat::kBf16:
      return x.to(torch::kBFloat16).to(x.scalar_type());
    case WireFormat::kInt8:
      return LinearRoundTrip(GroupedRows(x, config.scale), 127).reshape(x.sizes());
    case WireFormat::kInt4:
      return LinearRoundTrip(GroupedRows(x, config.scale), 7).reshape(x.sizes());
    case WireFormat::kTopK:
      break;
  }
  assert(false && "top-k needs an error buffer: TopKWithErrorFeedback");
  return x;
}

torch::Tensor TopKWithErrorFeedback(const torch::Tensor& delta, torch::Tensor& error,
                                    const CompressionConfig& config) {
  torch::NoGradGuard no_grad;
  error.mul_(config.error_feedback_decay).add_(delta);
  const torch::Tensor flat = error.reshape({-1});
  const std::int64_t k = TopKCount(flat.numel(), config.topk_fraction);
  // A stable descending sort breaks ties by index; topk's order among equals is unspecified.
  const torch::Tensor order =
      std::get<1>(flat.abs().sort(/*stable=*/true, /*dim=*/0, /*descending=*/true));
  const torch::Tensor indices = order.narrow(0, 0, k);
  torch::Tensor values = flat.index_select(0, indices);
  if (config.topk_values != WireFormat::kFp32) {
    CompressionConfig value_format;
    value_format.format = config.topk_values;
    value_format.scale = ScaleGroup::kTensor;
    values = WireRoundTrip(values, value_format);
  }
  torch::Tensor sent = torch::zeros_like(flat);
  sent.index_copy_(0, indices, values);
  flat.sub_(sent);  // `flat` views `error`
  return sent.reshape(delta.sizes());
}

}  // namespace locosim::trainers
