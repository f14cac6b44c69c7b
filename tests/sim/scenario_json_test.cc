#include "sim/methods/diloco/diloco.h"
#include "sim/scenario/scenario_echo.h"
#include "sim/scenario/scenario_reader.h"
#include "sim/scenario/scenario_topology.h"

#include <gtest/gtest.h>

#include <fstream>

#include "sim/config/json_reader.h"
#include "tests/sim/malformed_input.h"

namespace locosim {
namespace {

// A small valid scenario; each malformed case edits one thing. The data path must exist:
// /usr/share/games/fortunes comes with the `fortunes` package (tools/setup).
const char* kValid = R"({
  "name": "tiny",
  "seed": 3,
  "replicas": 4,
  "model": {"kind": "char_transformer", "layers": 1, "d_model": 32, "heads": 2, "context": 32},
  "data": {"kind": "text", "vocab": "byte"},
  "inner_steps": 10,
  "outer_rounds": 3,
  "methods": [{"kind": "diloco"}, {"kind": "noloco", "group_size": 2}, {"kind": "ddp"}],
  "compute": {"step_time": "100ms", "stragglers": {"fraction": 0.25, "slowdown": 2}},
  "network": {"backend": "flow", "generator": {"kind": "star", "bandwidth": "1Gbps", "latency": "10ms"}}
})";

using testing::BadCase;
using testing::Replace;

// kValid with `section` (e.g. "tcp": {...}) added to its network, beside a plain star.
std::string WithNetworkSection(const std::string& section) {
  return Replace(kValid,
                 R"("generator": {"kind": "star", "bandwidth": "1Gbps", "latency": "10ms"})",
                 R"("generator": {"kind": "star"}, )" + section);
}

Result<Scenario> Parse(const std::string& text) {
  return testing::ParseAs(text, "s.json", ScenarioFromJson);
}

TEST(ScenarioJson, AModelPresetSetsTheSizesAndAGivenContextOverridesIt) {
  auto s = Parse(Replace(kValid, R"("layers": 1, "d_model": 32, "heads": 2, "context": 32)",
                         R"("preset": "small", "context": 128)"));
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(s->model.layers, 4);
  EXPECT_EQ(s->model.d_model, 128);
  EXPECT_EQ(s->model.heads, 4);
  EXPECT_EQ(s->model.context, 128);
  const auto echo = ScenarioToJson(*s);
  EXPECT_EQ(echo["model"]["preset"], "small");
  EXPECT_EQ(echo["model"]["context"], 128);
}

TEST(ScenarioJson, TcpIsModelledByDefaultAndEchoedWithAMethodsStreams) {
  auto s = Parse(Replace(kValid, R"({"kind": "ddp"})", R"({"kind": "ddp", "streams": 4})"));
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_TRUE(s->network.options.tcp.startup);
  EXPECT_TRUE(s->network.options.tcp.slow_start_after_idle);
  EXPECT_TRUE(s->network.options.tcp.congestion_avoidance);
  EXPECT_EQ(s->network.options.tcp.congestion_control, "cubic");
  EXPECT_EQ(StreamsOf(*s, s->methods[0]), 1);
  EXPECT_EQ(StreamsOf(*s, s->methods[2]), 4);
  const auto echo = ScenarioToJson(*s);
  EXPECT_EQ(echo["network"]["tcp"]["slow_start_after_idle"], true);
  EXPECT_EQ(echo["network"]["tcp"]["congestion_avoidance"], true);
  EXPECT_EQ(echo["network"]["tcp"]["min_rto"], "200ms");
  EXPECT_EQ(echo["methods"][2]["streams"], 4);
}

TEST(ScenarioJson, ValidScenarioResolvesDefaults) {
  auto s = Parse(kValid);
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(s->total_steps, 30);
  EXPECT_EQ(s->methods.size(), 3u);
  EXPECT_EQ(s->methods[0].name, "diloco");
  EXPECT_EQ(SettingsOf<DilocoSettings>(s->methods[0])->outer.lr, 0.7);
  EXPECT_EQ(SettingsOf<DilocoSettings>(s->methods[0])->outer.momentum, 0.9);
  EXPECT_EQ(InnerStepsOf(*s, s->methods[2]), 1);  // ddp syncs every step
  EXPECT_EQ(s->data.path, "/usr/share/games/fortunes");
  EXPECT_EQ(s->replica_batching, "auto");
  EXPECT_EQ(*s->compute.step_time, Milliseconds(100));
  auto topology = BuildScenarioTopology(*s);
  ASSERT_TRUE(topology.ok());
  EXPECT_EQ(topology->replica_count(), 4);
}

TEST(ScenarioJson, ResolvedScenarioParsesBackToTheSame) {
  auto s = Parse(kValid);
  ASSERT_TRUE(s.ok());
  const std::string resolved = ScenarioToJson(*s).dump();
  auto again = Parse(resolved);
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(ScenarioToJson(*again).dump(), resolved);
}

TEST(ScenarioJson, ASeedsListEchoesInPlaceOfTheSeedAndOneSeedIsAPlainRun) {
  auto s = Parse(Replace(kValid, R"("seed": 3)", R"("seeds": [9, 4, 6])"));
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(s->seed, 9u);
  EXPECT_EQ(s->seeds, (std::vector<std::uint64_t>{9, 4, 6}));
  const auto echo = ScenarioToJson(*s);
  EXPECT_FALSE(echo.contains("seed"));
  auto again = Parse(echo.dump());
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(again->seeds, s->seeds);

  auto one = Parse(Replace(kValid, R"("seed": 3)", R"("seeds": [5])"));
  ASSERT_TRUE(one.ok()) << one.error().message();
  EXPECT_EQ(one->seed, 5u);
  EXPECT_TRUE(one->seeds.empty());
  EXPECT_EQ(ScenarioToJson(*one)["seed"], 5);
}

TEST(ScenarioJson, SetOverridesApplyBeforeValidation) {
  const std::string path = ::testing::TempDir() + "/scenario.json";
  std::ofstream(path) << kValid;
  auto s =
      LoadScenarioFile(path, {"network.backend=analytic", "methods[0].outer_lr=0.5", "replicas=8"});
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(s->network.backend, "analytic");
  EXPECT_EQ(SettingsOf<DilocoSettings>(s->methods[0])->outer.lr, 0.5);
  EXPECT_EQ(s->replicas, 8);
  auto bad = LoadScenarioFile(path, {"methods[7].outer_lr=0.5"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().file, "--set");
  auto invalid = LoadScenarioFile(path, {"replicas=-2"});
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().path, "$.replicas");
}

TEST(ScenarioJson, SetCreatesMissingSectionsWhichAreThenValidated) {
  const std::string path = ::testing::TempDir() + "/scenario_sections.json";
  std::ofstream(path) << kValid;
  auto s = LoadScenarioFile(path, {"network.overrides.bandwidth=100Mbps"});
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(s->network.override_bandwidth, Mbps(100));
  auto misspelt = LoadScenarioFile(path, {"network.overides.bandwidth=100Mbps"});
  ASSERT_FALSE(misspelt.ok());
  EXPECT_NE(misspelt.error().message().find("did you mean \"overrides\""), std::string::npos)
      << misspelt.error().message();
  auto into_scalar = LoadScenarioFile(path, {"replicas.count=3"});
  ASSERT_FALSE(into_scalar.ok());
  EXPECT_EQ(into_scalar.error().file, "--set");
  auto missing_array = LoadScenarioFile(path, {"methods[0].extra[2].x=1"});
  ASSERT_FALSE(missing_array.ok());
  EXPECT_EQ(missing_array.error().file, "--set");
}

TEST(ScenarioJson, TopologyWithFewerReplicasThanTheScenarioIsAnError) {
  auto s = Parse(Replace(kValid, R"("replicas": 4)", R"("replicas": 40)"));
  ASSERT_TRUE(s.ok());
  s->network.generator.clear();
  s->network.topology_file = LOCOSIM_SOURCE_DIR "/topologies/star16.json";
  auto topology = BuildScenarioTopology(*s);
  ASSERT_FALSE(topology.ok());
  EXPECT_EQ(topology.error().path, "$.network.topology");
  EXPECT_NE(topology.error().expected.find("has 16"), std::string::npos)
      << topology.error().message();
}

// kValid with a DPO objective (3 rounds of 10 steps: each a whole number of H = 10 syncs).
std::string WithDpo(const std::string& objective = R"("kind": "dpo", "rounds": 3,
                                                     "prompt_tokens": 16, "response_tokens": 16)") {
  return Replace(kValid, R"("inner_steps": 10,)",
                 R"("objective": {)" + objective + R"(}, "inner_steps": 10,)");
}

TEST(ScenarioJson, ADpoObjectiveResolvesItsRoundsAndEchoesBack) {
  auto s = Parse(WithDpo(R"("kind": "dpo", "rounds": 3, "apo_alpha": 0.3, "prompt_tokens": 16,
                            "response_tokens": 16)"));
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_TRUE(s->objective.dpo());
  EXPECT_EQ(s->objective.round_steps, 10);  // 30 steps / 3 rounds
  EXPECT_EQ(s->objective.apo_alpha, 0.3);
  EXPECT_EQ(s->objective.beta, 0.1);
  EXPECT_EQ(s->objective.rejected, "shuffled_words");
  EXPECT_EQ(s->compute.flops_per_parameter_token, 8);  // the reference's forward pass
  auto again = Parse(ScenarioToJson(*s).dump());
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(ScenarioToJson(*again), ScenarioToJson(*s));
  auto plain = Parse(kValid);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->objective.dpo());
  EXPECT_EQ(plain->compute.flops_per_parameter_token, 6);
}

class MalformedScenario : public ::testing::TestWithParam<BadCase> {};

TEST_P(MalformedScenario, IsRejectedNamingFilePathAndExpectation) {
  const BadCase& c = GetParam();
  testing::ExpectRejected(Parse(c.text), c, "s.json");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedScenario,
    ::testing::Values(
        BadCase{"WrongType", Replace(kValid, R"("replicas": 4)", R"("replicas": "four")"),
                "$.replicas", "an integer"},
        BadCase{"UnknownKey", Replace(kValid, R"("seed": 3)", R"("sead": 3)"), "$",
                "did you mean \"seed\""},
        BadCase{"UnknownNestedKey", Replace(kValid, R"("layers": 1)", R"("layer": 1)"), "$.model",
                "did you mean \"layers\""},
        BadCase{"MissingField", Replace(kValid, R"("name": "tiny",)", ""), "$", "a field \"name\""},
        BadCase{"SeedAndSeeds", Replace(kValid, R"("seed": 3)", R"("seed": 3, "seeds": [1, 2])"),
                "$.seeds", "either \"seed\" or a \"seeds\" list"},
        BadCase{"RepeatedSeed", Replace(kValid, R"("seed": 3)", R"("seeds": [1, 2, 1])"),
                "$.seeds[2]", "not already in the list"},
        BadCase{"EmptySeeds", Replace(kValid, R"("seed": 3)", R"("seeds": [])"), "$.seeds",
                "a list of 1 to 1000 seeds"},
        BadCase{"NegativeCount", Replace(kValid, R"("replicas": 4)", R"("replicas": -4)"),
                "$.replicas", "a replica count"},
        BadCase{"ZeroInnerSteps", Replace(kValid, R"("inner_steps": 10)", R"("inner_steps": 0)"),
                "$.inner_steps", "a positive step count"},
        BadCase{"UnknownMethod", Replace(kValid, R"({"kind": "diloco"})", R"({"kind": "dilco"})"),
                "$.methods[0].kind", "did you mean \"diloco\""},
        BadCase{
            "NoMethods",
            Replace(kValid,
                    R"([{"kind": "diloco"}, {"kind": "noloco", "group_size": 2}, {"kind": "ddp"}])",
                    "[]"),
            "$.methods", "non-empty"},
        BadCase{"DuplicateMethodNames",
                Replace(kValid, R"({"kind": "ddp"})", R"({"kind": "diloco"})"), "$.methods[2]",
                "unique method name"},
        BadCase{"OptionOfAnotherMethod",
                Replace(kValid, R"({"kind": "diloco"})", R"({"kind": "diloco", "gamma": 0.5})"),
                "$.methods[0].gamma", "for method kind \"diloco\""},
        BadCase{"GroupLargerThanReplicas",
                Replace(kValid, R"("group_size": 2)", R"("group_size": 9)"),
                "$.methods[1].group_size", "a group size in [2, replicas = 4]"},
        BadCase{"HDoesNotDivideBudget",
                Replace(kValid, R"({"kind": "diloco"})", R"({"kind": "diloco", "inner_steps": 7})"),
                "$.methods[0].inner_steps", "dividing the step budget"},
        BadCase{
            "UnreadableDataPath",
            Replace(kValid, R"("vocab": "byte")", R"("vocab": "byte", "path": "/no/such/corpus")"),
            "$.data.path", "/no/such/corpus does not exist"},
        BadCase{"DataForAnotherModel",
                Replace(kValid, R"("kind": "text")", R"("kind": "fashion_mnist")"), "$.data.kind",
                "\"text\" for a char_transformer"},
        BadCase{"UnknownBackend", Replace(kValid, R"("backend": "flow")", R"("backend": "packet")"),
                "$.network.backend", "a backend this build has"},
        BadCase{
            "TopologyAndGenerator",
            Replace(kValid, R"("backend": "flow",)", R"("backend": "flow", "topology": "x.json",)"),
            "$.network", "exactly one of"},
        BadCase{"RateWithoutUnit",
                Replace(kValid, R"("bandwidth": "1Gbps")", R"("bandwidth": "1000")"),
                "$.network.generator.bandwidth", "rate with a unit"},
        BadCase{"StragglerFractionAboveOne",
                Replace(kValid, R"("fraction": 0.25)", R"("fraction": 1.5)"),
                "$.compute.stragglers.fraction", "[0, 1]"},
        BadCase{"BothBudgets",
                Replace(kValid, R"("outer_rounds": 3)", R"("outer_rounds": 3, "total_steps": 30)"),
                "$", "exactly one of \"outer_rounds\""},
        BadCase{"HeadsNotDividingWidth", Replace(kValid, R"("heads": 2)", R"("heads": 3)"),
                "$.model.heads", "dividing d_model"},
        BadCase{"OldFlowSection", WithNetworkSection(R"("flow": {"tcp_startup": true})"),
                "$.network.flow", "\"network.tcp\""},
        BadCase{"MtuUnderNs3", WithNetworkSection(R"("ns3": {"mtu_bytes": 1500})"),
                "$.network.ns3.mtu_bytes", "network.tcp.mtu_bytes"},
        BadCase{"TooManyStreams", WithNetworkSection(R"("tcp": {"streams": 65})"),
                "$.network.tcp.streams", "a stream count in [1, 64]"},
        BadCase{"MethodStreamsZero",
                Replace(kValid, R"({"kind": "ddp"})", R"({"kind": "ddp", "streams": 0})"),
                "$.methods[2].streams", "a stream count in [1, 64]"},
        BadCase{"NumberTooLargeForADouble", Replace(kValid, R"("seed": 3)", R"("seed": 1e400)"), "",
                "numbers a double can hold"},
        // Found by tests/fuzz/scenario_fuzzer: a float beyond int64 was cast (undefined).
        BadCase{"IntegerBeyondInt64AsAFloat",
                Replace(kValid, R"("seed": 3)", R"("seed": 188888888888888888888888888)"), "$.seed",
                "an integer from -9223372036854775808 to 9223372036854775807"},
        BadCase{"IntegerBeyondInt64AsUnsigned",
                Replace(kValid, R"("seed": 3)", R"("seed": 18446744073709551615)"), "$.seed",
                "an integer from -9223372036854775808 to 9223372036854775807"},
        BadCase{"CheckpointsWithMeasuredStepTimes",
                Replace(Replace(kValid, R"("step_time": "100ms", )", R"("measured": true, )"),
                        R"("seed": 3)", R"("seed": 3, "checkpoint_every_rounds": 2)"),
                "$.checkpoint_every_rounds", "measured ones are not reproducible"},
        BadCase{"Ns3OptionsWithTheFlowBackend", WithNetworkSection(R"("ns3": {"sack": false})"),
                "$.network.ns3", "apply only to backend \"ns3\""},
        BadCase{"MoreNs3ConnectionsIntoANodeThanPorts",
                Replace(Replace(Replace(kValid, R"("replicas": 4)", R"("replicas": 1000)"),
                                R"("backend": "flow")", R"("backend": "ns3")"),
                        R"({"kind": "ddp"})", R"({"kind": "ddp", "streams": 64})"),
                "$.methods[2].streams", "999 other replicas x 64 streams of method ddp"},
        BadCase{
            "PresetOfAnotherModelKind",
            Replace(
                kValid,
                R"("kind": "char_transformer", "layers": 1, "d_model": 32, "heads": 2, "context": 32)",
                R"("kind": "mlp", "preset": "small")"),
            "$.model.preset", "presets size transformers"},
        BadCase{
            "PresetBesideSizes",
            Replace(kValid, R"("layers": 1, "d_model": 32)", R"("preset": "small", "d_model": 32)"),
            "$.model.preset", "either a preset or \"d_model\", not both"},
        BadCase{"DuplicateKey", Replace(kValid, R"("seed": 3)", R"("seed": 3, "seed": 4)"), "",
                "\"seed\" is given twice"},
        BadCase{"StepBudgetOverflowsTheRange",
                Replace(Replace(kValid, R"("outer_rounds": 3)", R"("outer_rounds": 1073741824)"),
                        R"("inner_steps": 10)", R"("inner_steps": 4)"),
                "$.outer_rounds", "at most 1073741824 steps"},
        BadCase{"NameTooLong",
                Replace(kValid, R"("name": "tiny")", "\"name\": \"" + std::string(245, 'n') + "\""),
                "$.name", "a name of 1 to 100 characters"},
        BadCase{"ZeroStallTimeout", WithNetworkSection(R"("ns3": {"stall_timeout": "0s"})"),
                "$.network.ns3.stall_timeout", "a positive duration"},
        BadCase{"UnknownReplicaBatching",
                Replace(kValid, R"("seed": 3)", R"("seed": 3, "replica_batching": "batched")"),
                "$.replica_batching", "one of \"auto\" \"stacked\" \"loop\""},
        BadCase{
            "StackedCnn",
            Replace(
                Replace(
                    Replace(
                        kValid,
                        R"({"kind": "char_transformer", "layers": 1, "d_model": 32, "heads": 2, "context": 32})",
                        R"({"kind": "cnn"})"),
                    R"({"kind": "text", "vocab": "byte"})", R"({"kind": "fashion_mnist"})"),
                R"("seed": 3)", R"("seed": 3, "replica_batching": "stacked")"),
            "$.replica_batching", "for model kind cnn"},
        BadCase{"PinnedReplicaOutOfRange",
                Replace(kValid, R"("step_time": "100ms")",
                        R"("step_time": "100ms", "replica_step_time_factor": {"4": 2})"),
                "$.compute.replica_step_time_factor.4", "a replica index in [0, replicas = 4)"},
        BadCase{"PinnedReplicaNotAnIndex",
                Replace(kValid, R"("step_time": "100ms")",
                        R"("step_time": "100ms", "replica_step_time_factor": {"03": 2})"),
                "$.compute.replica_step_time_factor.03", "a decimal string"},
        BadCase{"PinnedFactorZero",
                Replace(kValid, R"("step_time": "100ms")",
                        R"("step_time": "100ms", "replica_step_time_factor": {"1": 0})"),
                "$.compute.replica_step_time_factor.1", "a step time multiplier in [0.01, 1000]"},
        BadCase{"StreamingWithoutFragments",
                Replace(kValid, R"({"kind": "ddp"})", R"({"kind": "streaming_diloco"})"),
                "$.methods[2]", "a field \"fragments\""},
        BadCase{"StreamingFragmentsMoreThanLayers",
                Replace(kValid, R"({"kind": "ddp"})",
                        R"({"kind": "streaming_diloco", "fragments": 2})"),
                "$.methods[2].fragments", "at most 1 fragments: the char_transformer has 1 layers"},
        BadCase{"StreamingFragmentsNotDividingH",
                Replace(Replace(kValid, R"("layers": 1)", R"("layers": 3)"), R"({"kind": "ddp"})",
                        R"({"kind": "streaming_diloco", "fragments": 3})"),
                "$.methods[2].fragments", "a fragment count dividing H = 10"},
        BadCase{"StreamingOverlapBeyondTheNextSync",
                Replace(Replace(kValid, R"("layers": 1)", R"("layers": 2)"), R"({"kind": "ddp"})",
                        R"({"kind": "streaming_diloco", "fragments": 2, "overlap_steps": 6})"),
                "$.methods[2].overlap_steps", "overlap_steps at most H/P = 5"},
        BadCase{
            "FaultReplicaOutOfRange",
            Replace(
                kValid, R"("seed": 3)",
                R"("seed": 3, "faults": {"scheduled": [{"replica": 4, "at": "1s", "down_for": "1s"}]})"),
            "$.faults.scheduled[0].replica", "a replica index in [0, replicas = 4)"},
        BadCase{
            "FaultWithoutDowntime",
            Replace(
                kValid,
                R"("seed": 3)",
                R"("seed": 3, "faults": {"random": {"mean_time_between_failures": "3600s", "down_for": "0s"}})"),
            "$.faults.random.down_for", "a positive duration"},
        BadCase{"FaultSemanticsUnknown",
                Replace(kValid, R"("seed": 3)", R"("seed": 3, "faults": {"all_reduce": "retry"})"),
                "$.faults.all_reduce", "one of \"quorum\" \"wait\""},
        BadCase{
            "FaultsWithStreaming",
            Replace(
                Replace(kValid, R"({"kind": "ddp"})",
                        R"({"kind": "streaming_diloco", "fragments": 1})"),
                R"("seed": 3)",
                R"("seed": 3, "faults": {"scheduled": [{"replica": 0, "at": "1s", "down_for": "1s"}]})"),
            "$.methods[2].kind", "streaming_diloco with \"faults\" is not implemented yet"},
        BadCase{
            "DpoRoundsNotDividingTheSteps",
            WithDpo(R"("kind": "dpo", "rounds": 4, "prompt_tokens": 16, "response_tokens": 16)"),
            "$.objective.rounds", "dividing the step budget of 30"},
        BadCase{
            "DpoRoundsBetweenSyncs",
            WithDpo(R"("kind": "dpo", "rounds": 2, "prompt_tokens": 16, "response_tokens": 16)"),
            "$.objective.rounds", "method diloco's H = 10"},
        BadCase{"DpoPairsOverTheContext",
                WithDpo(R"("kind": "dpo", "prompt_tokens": 20, "response_tokens": 20)"),
                "$.objective.response_tokens", "the model's context of 32"},
        BadCase{"DpoAlphaOne", WithDpo(R"("kind": "dpo", "apo_alpha": 1)"), "$.objective.apo_alpha",
                "[0, 1)"},
        BadCase{"DpoUnknownCorruption", WithDpo(R"("kind": "dpo", "rejected": "reversed")"),
                "$.objective.rejected", "shuffled_words"},
        BadCase{"DpoOnCharVocab", Replace(WithDpo(), R"("vocab": "byte")", R"("vocab": "char")"),
                "$.objective.kind", "data.vocab \"byte\""},
        BadCase{"NotJson", "{\"name\": ", "", "valid JSON"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

}  // namespace
}  // namespace locosim
