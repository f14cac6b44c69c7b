// The "compression" field that DiLoCo and NoLoCo share: how a method's tensors are encoded on
// the wire, and the bytes of one model-sized message in that encoding.
//   "compression": "int8"
//   "compression": {"format": "int8", "scale": "tensor"}
//   "compression": {"format": "topk", "fraction": 0.01, "error_feedback_decay": 1, "values":
//   "bf16"}
// docs/scenario.md, "methods"; the encodings are in docs/algorithms.md, "Compression".
#pragma once

#include <span>

#include <nlohmann/json.hpp>

#include "locosim/outer/compression_config.h"
#include "sim/config/json_reader.h"
#include "sim/methods/method_spec.h"

namespace locosim {

using CompressionConfig = trainers::CompressionConfig;

// Reads `method`'s "compression" (none when absent). `allow_topk` false refuses top-k,
// explaining why with `topk_refusal`.
CompressionConfig ReadCompression(const JsonReader& method, bool allow_topk = true,
                                  const std::string& topk_refusal = "");

// The resolved form, every setting of the format included: "none" or an object.
nlohmann::ordered_json EchoCompression(const CompressionConfig& config);

// One model-sized message as `config` encodes it: the trained model's tensors, scaled to the
// payload's element count when the payload is declared; a declared payload without a trained
// model is one flat tensor (int8's and int4's per-row scales are then one per message).
Bytes WirePayload(const MethodContext& context, const CompressionConfig& config);

// The same for one fragment of `fragments`: the parameter tensors `tensors` of the trained
// model, scaled as above; without a trained model, a 1/fragments share of the payload.
Bytes WireFragment(const MethodContext& context, const CompressionConfig& config,
                   std::span<const int> tensors, int fragments);

}  // namespace locosim
