#include "sim/methods/compression_field.h"

#include <cmath>

#include "sim/config/field_readers.h"

namespace locosim {
namespace {

using trainers::ScaleGroup;
using trainers::WireFormat;

constexpr std::string_view kFormats[] = {"none", "bf16", "int8", "int4", "topk"};
constexpr std::string_view kValueFormats[] = {"fp32", "bf16", "int8"};

WireFormat FormatNamed(const std::string& name) {
  if (name == "bf16") return WireFormat::kBf16;
  if (name == "int8") return WireFormat::kInt8;
  if (name == "int4") return WireFormat::kInt4;
  if (name == "topk") return WireFormat::kTopK;
  return WireFormat::kFp32;  // "none", "fp32"
}

const char* FormatName(WireFormat format, const char* fp32_name) {
  switch (format) {
    case WireFormat::kBf16:
      return "bf16";
    case WireFormat::kInt8:
      return "int8";
    case WireFormat::kInt4:
      return "int4";
    case WireFormat::kTopK:
      return "topk";
    case WireFormat::kFp32:
      break;
  }
  return fp32_name;
}

}  // namespace

CompressionConfig ReadCompression(const JsonReader& method, bool allow_topk,
                                  const std::string& topk_refusal) {
  CompressionConfig config;
  const std::optional<JsonReader> field = method.OptionalField("compression");
  if (!field) return config;
  const bool is_object = field->raw().is_object();
  const JsonReader format_field = is_object ? field->Field("format") : *field;
  config.format = FormatNamed(Choice(format_field, kFormats));
  if (config.format == WireFormat::kTopK && !allow_topk) format_field.Fail(topk_refusal);
  if (!is_object) return config;
  switch (config.format) {
    case WireFormat::kInt8:
    case WireFormat::kInt4:
      field->ExpectOnlyKeys({"format", "scale"});
      Optional(*field, "scale", config.scale, [](const JsonReader& v) {
        return Choice(v, {"row", "tensor"}) == "row" ? ScaleGroup::kRow : ScaleGroup::kTensor;
      });
      break;
    case WireFormat::kTopK:
      field->ExpectOnlyKeys({"format", "fraction", "error_feedback_decay", "values"});
      Optional(*field, "fraction", config.topk_fraction, [](const JsonReader& v) {
        const double f = NumberIn(v, 0, 1, "a fraction of each tensor in (0, 1]");
        if (f <= 0) v.Fail("a fraction of each tensor in (0, 1]");
        return f;
      });
      Optional(*field, "error_feedback_decay", config.error_feedback_decay,
               [](const JsonReader& v) { return NumberIn(v, 0, 1, "a decay in [0, 1]"); });
      Optional(*field, "values", config.topk_values,
               [](const JsonReader& v) { return FormatNamed(Choice(v, kValueFormats)); });
      break;
    default:
      field->ExpectOnlyKeys({"format"});
  }
  return config;
}

nlohmann::ordered_json EchoCompression(const CompressionConfig& config) {
  if (!config.compresses()) return "none";
  nlohmann::ordered_json echo;
  echo["format"] = FormatName(config.format, "none");
  if (config.format == WireFormat::kInt8 || config.format == WireFormat::kInt4) {
    echo["scale"] = config.scale == ScaleGroup::kRow ? "row" : "tensor";
  } else if (config.format == WireFormat::kTopK) {
    echo["fraction"] = config.topk_fraction;
    echo["error_feedback_decay"] = config.error_feedback_decay;
    echo["values"] = FormatName(config.topk_values, "fp32");
  }
  return echo;
}

namespace {

// Bytes of `shapes` (a part of the trained model) in `config`'s encoding, scaled from the
// trained model's element count to the payload's.
Bytes ScaledWireBytes(const MethodContext& context, const CompressionConfig& config,
                      const std::vector<std::vector<std::int64_t>>& shapes) {
  const double elements =
      static_cast<double>(context.payload.count()) / context.payload_bytes_per_element;
  std::int64_t model_elements = 0;
  for (const auto& shape : context.parameter_shapes) model_elements += trainers::Elements(shape);
  const std::int64_t wire = config.compresses() ? trainers::WireBytes(config, shapes) : [&] {
    std::int64_t n = 0;
    for (const auto& shape : shapes) n += trainers::Elements(shape);
    return n;
  }();
  // Uncompressed, a part is its share of the payload as declared (any element size).
  const double scale = config.compresses() ? elements / static_cast<double>(model_elements)
                                           : static_cast<double>(context.payload.count()) /
                                                 static_cast<double>(model_elements);
  if (config.compresses() && std::llround(elements) == model_elements) return Bytes(wire);
  return Bytes(std::llround(static_cast<double>(wire) * scale));
}

}  // namespace

Bytes WirePayload(const MethodContext& context, const CompressionConfig& config) {
  if (!config.compresses()) return context.payload;
  if (context.parameter_shapes.empty()) {
    const double elements =
        static_cast<double>(context.payload.count()) / context.payload_bytes_per_element;
    const std::vector<std::int64_t> flat = {std::llround(elements)};
    return Bytes(trainers::WireBytes(config, flat));
  }
  return ScaledWireBytes(context, config, context.parameter_shapes);
}

Bytes WireFragment(const MethodContext& context, const CompressionConfig& config,
                   std::span<const int> tensors, int fragments) {
  if (context.parameter_shapes.empty()) {
    const double share = static_cast<double>(context.payload.count()) / fragments;
    if (!config.compresses()) return Bytes(std::llround(share));
    const std::vector<std::int64_t> flat = {
        std::llround(share / context.payload_bytes_per_element)};
    return Bytes(trainers::WireBytes(config, flat));
  }
  std::vector<std::vector<std::int64_t>> shapes;
  for (int k : tensors) shapes.push_back(context.parameter_shapes[static_cast<std::size_t>(k)]);
  return ScaledWireBytes(context, config, shapes);
}

}  // namespace locosim
