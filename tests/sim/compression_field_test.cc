// The "compression" field: reading, echo, the bytes of a compressed message, and the bytes a
// compressed method puts on the simulated network. The encodings' arithmetic is tested on
// real tensors in tests/trainers/compression_test.cc.
#include <gtest/gtest.h>

#include "sim/engine/scenario_runner.h"
#include "sim/methods/compression_field.h"
#include "sim/methods/method_registry.h"
#include "sim/scenario/scenario_topology.h"
#include "tests/sim/fake_data_plane.h"

namespace locosim {
namespace {

using trainers::ScaleGroup;
using trainers::WireFormat;

MethodSpec MethodFrom(const std::string& text, int replicas = 8) {
  return ReadMethodSpec(JsonReader(nlohmann::json::parse(text), "methods.json"), replicas);
}

std::string FailureOf(const std::string& text) {
  try {
    MethodFrom(text);
  } catch (const ConfigException& e) {
    return e.error.message();
  }
  return "";
}

TEST(CompressionField, ReadsAStringOrAnObjectAndEchoesEveryDefault) {
  const MethodSpec int8 = MethodFrom(R"({"kind": "diloco", "compression": "int8"})");
  EXPECT_EQ(int8.settings->compression().format, WireFormat::kInt8);
  EXPECT_EQ(int8.settings->compression().scale, ScaleGroup::kRow);
  EXPECT_EQ(EchoCompression(int8.settings->compression()).dump(),
            R"({"format":"int8","scale":"row"})");

  const MethodSpec topk = MethodFrom(
      R"({"kind": "diloco", "compression": {"format": "topk", "fraction": 0.05, "values": "bf16"}})");
  const CompressionConfig c = topk.settings->compression();
  EXPECT_EQ(c.format, WireFormat::kTopK);
  EXPECT_DOUBLE_EQ(c.topk_fraction, 0.05);
  EXPECT_EQ(c.topk_values, WireFormat::kBf16);
  EXPECT_EQ(EchoCompression(c).dump(),
            R"({"format":"topk","fraction":0.05,"error_feedback_decay":1.0,"values":"bf16"})");

  const MethodSpec none = MethodFrom(R"({"kind": "noloco"})");
  EXPECT_FALSE(none.settings->compression().compresses());
  EXPECT_EQ(EchoCompression(none.settings->compression()).dump(), R"("none")");
  // Methods without the field refuse it by name.
  EXPECT_NE(FailureOf(R"({"kind": "ddp", "compression": "int8"})").find("no \"compression\""),
            std::string::npos);
}

TEST(CompressionField, BadValuesNameTheFieldAndWhatWasExpected) {
  EXPECT_NE(FailureOf(R"({"kind": "diloco", "compression": "int9"})").find("int8"),
            std::string::npos);  // did you mean
  EXPECT_NE(FailureOf(R"({"kind": "noloco", "compression": "topk"})").find("slow weights"),
            std::string::npos);
  EXPECT_NE(FailureOf(R"({"kind": "diloco", "compression": {"format": "topk", "fraction": 0}})")
                .find("$.compression.fraction"),
            std::string::npos);
  EXPECT_NE(FailureOf(R"({"kind": "diloco", "compression": {"format": "int8", "fraction": 0.1}})")
                .find("fraction"),
            std::string::npos);
  EXPECT_NE(FailureOf(R"({"kind": "diloco", "compression": {"scale": "row"}})").find("format"),
            std::string::npos);
}

TEST(CompressionField, BytesFollowTheFormatScalesAndIndicesIncluded) {
  // A 3x5 matrix and a 5-element bias.
  MethodContext context{4, 1, 10, Bytes(4 * 20), 4, {}, {}, 0};
  context.parameter_shapes = {{3, 5}, {5}};
  auto bytes = [&](const std::string& compression) {
    const MethodSpec m = MethodFrom(R"({"kind": "diloco", "compression": )" + compression + "}", 4);
    return WirePayload(context, m.settings->compression()).count();
  };
  EXPECT_EQ(bytes(R"("none")"), 80);
  EXPECT_EQ(bytes(R"("bf16")"), 40);
  EXPECT_EQ(bytes(R"("int8")"), (15 + 3 * 4) + (5 + 4));  // a fp32 scale per row
  EXPECT_EQ(bytes(R"({"format": "int8", "scale": "tensor"})"), (15 + 4) + (5 + 4));
  EXPECT_EQ(bytes(R"("int4")"), (8 + 3 * 4) + (3 + 4));  // two per byte, rounded up
  // k = ceil(0.2 n): 3 of 15 and 1 of 5, each an int32 index and a value.
  EXPECT_EQ(bytes(R"({"format": "topk", "fraction": 0.2})"), 4 * (4 + 4));
  EXPECT_EQ(bytes(R"({"format": "topk", "fraction": 0.2, "values": "bf16"})"), 4 * (4 + 2));
  EXPECT_EQ(bytes(R"({"format": "topk", "fraction": 0.2, "values": "int8"})"),
            3 * 5 + 4 + 1 * 5 + 4);
}

TEST(CompressionField, ADeclaredPayloadIsScaledByTheTrainedModelsRatio) {
  MethodContext context{4, 1,  10, Bytes(4'000'000),
                        4, {}, {}, 0};  // a declared 1M-parameter fp32 model
  CompressionConfig int8;
  int8.format = WireFormat::kInt8;
  // No trained model: one flat tensor, one scale.
  EXPECT_EQ(WirePayload(context, int8).count(), 1'000'000 + 4);
  // A trained model of 100 rows of 10: its ratio (1 + 4/10) / 4, scaled to 1M elements.
  context.parameter_shapes = {{100, 10}};
  EXPECT_EQ(WirePayload(context, int8).count(), 1'400'000);
  // A declared bf16 payload (2 bytes per element) holds 2M elements.
  context.payload_bytes_per_element = 2;
  EXPECT_EQ(WirePayload(context, int8).count(), 2'800'000);
}

Scenario StarScenario(const std::string& methods_json) {
  Scenario s;
  s.name = "compression_test";
  s.seed = 3;
  s.replicas = 8;
  s.inner_steps = 10;
  s.total_steps = 40;
  s.eval.every_steps = 20;
  s.compute.step_time = Milliseconds(100);
  s.network.generator = "star";
  s.network.bandwidth = Gbps(1);
  s.network.latency = Milliseconds(5);
  const auto methods = nlohmann::json::parse(methods_json);
  for (std::size_t i = 0; i < methods.size(); ++i) {
    s.methods.push_back(ReadMethodSpec(JsonReader(methods[i], "m.json"), s.replicas));
  }
  return s;
}

ScenarioRun RunOnFakeModel(const Scenario& s) {
  auto topology = BuildScenarioTopology(s);
  EXPECT_TRUE(topology.ok());
  return std::get<ScenarioRun>(RunScenario(s, *topology, [&] {
    return std::make_unique<testing::FakeDataPlane>(s.replicas, /*parameters=*/250'000);
  }));
}

TEST(CompressionField, TheNetworkCarriesTheEncodedBytes) {
  const ScenarioRun run = RunOnFakeModel(StarScenario(R"([
    {"name": "fp32", "kind": "diloco"},
    {"name": "int8", "kind": "diloco", "compression": {"format": "int8", "scale": "tensor"}},
    {"name": "topk", "kind": "diloco", "compression": {"format": "topk", "fraction": 0.01}},
    {"name": "noloco_bf16", "kind": "noloco", "compression": "bf16"}])"));
  const double n = 8, rounds = 4, model = 1e6;
  // A ring all-reduce sends 2(n-1)/n of the message per replica per round.
  EXPECT_DOUBLE_EQ(run.methods[0].bytes_sent, 2 * (n - 1) * model * rounds);
  EXPECT_EQ(run.methods[1].wire_payload.count(), 250'000 + 4);
  EXPECT_DOUBLE_EQ(run.methods[1].bytes_sent, 2 * (n - 1) * (250'000 + 4) * rounds);
  // Top-k is all-gathered: each replica sends its 2,500 (index, value) pairs to 7 others.
  EXPECT_EQ(run.methods[2].wire_payload.count(), 2'500 * 8);
  EXPECT_DOUBLE_EQ(run.methods[2].bytes_sent, n * (n - 1) * 2'500 * 8 * rounds);
  // NoLoCo pairs: phi and theta - phi, each in bf16, to the one peer.
  EXPECT_DOUBLE_EQ(run.methods[3].bytes_sent, n * 2 * 500'000 * rounds);
}

}  // namespace
}  // namespace locosim
