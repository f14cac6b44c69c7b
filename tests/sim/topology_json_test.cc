#include "sim/config/topology_json.h"

#include <gtest/gtest.h>

#include "sim/config/json_reader.h"
#include "sim/topogen/generators.h"
#include "tests/sim/malformed_input.h"

namespace locosim {
namespace {

// Two replicas on a switch; each malformed case below edits one thing.
const char* kValid = R"({
  "name": "pair",
  "nodes": [{"id": "sw"}, {"id": "a", "region": "eu"}, {"id": "b"}],
  "links": [
    {"endpoints": ["a", "sw"], "bandwidth": "1Gbps", "latency": "10ms"},
    {"id": "b-link", "endpoints": ["b", "sw"], "bandwidth": "100Mbps", "latency": "150us",
     "loss_rate": 0.01, "queue": "100p"}
  ],
  "replicas": ["a", "b"]
})";

Result<Topology> Parse(const std::string& text) {
  return testing::ParseAs(text, "t.json", TopologyFromJson);
}

TEST(TopologyJson, ValidFileLoadsWithUnitsAndDefaults) {
  auto t = Parse(kValid);
  ASSERT_TRUE(t.ok()) << t.error().message();
  EXPECT_EQ(t->name, "pair");
  ASSERT_EQ(t->links.size(), 2u);
  EXPECT_EQ(t->links[0].id, "a-sw");  // default id from endpoints
  EXPECT_DOUBLE_EQ(t->links[0].bandwidth.bps(), 1e9);
  EXPECT_EQ(t->links[0].latency, Milliseconds(10));
  EXPECT_EQ(t->links[0].loss_rate, 0.0);
  EXPECT_EQ(t->links[1].latency, Microseconds(150));
  EXPECT_EQ(t->links[1].queue.packets, 100);
  EXPECT_EQ(t->nodes[1].region, "eu");
  EXPECT_EQ(t->replicas, (std::vector<NodeIndex>{1, 2}));
}

TEST(TopologyJson, WrittenTopologiesReloadIdentically) {
  for (const Topology& original : {MakeStar({16, Gbps(1), Milliseconds(10)}), MakeRegions({}),
                                   MakeInternet({.replicas = 32})}) {
    auto reloaded = Parse(TopologyToText(original));
    ASSERT_TRUE(reloaded.ok()) << reloaded.error().message();
    ASSERT_EQ(reloaded->links.size(), original.links.size());
    for (std::size_t i = 0; i < original.links.size(); ++i) {
      EXPECT_EQ(reloaded->links[i].bandwidth, original.links[i].bandwidth);
      EXPECT_EQ(reloaded->links[i].latency, original.links[i].latency);
    }
    EXPECT_EQ(reloaded->replicas, original.replicas);
  }
}

using testing::BadCase;
using testing::Replace;

class MalformedTopology : public ::testing::TestWithParam<BadCase> {};

TEST_P(MalformedTopology, IsRejectedNamingFilePathAndExpectation) {
  const BadCase& c = GetParam();
  testing::ExpectRejected(Parse(c.text), c, "t.json");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedTopology,
    ::testing::Values(
        BadCase{"UnknownNode", Replace(kValid, R"(["a", "sw"])", R"(["a", "nowhere"])"),
                "$.links[0].endpoints[1]", "\"nowhere\" is unknown"},
        BadCase{"DuplicateNodeId", Replace(kValid, R"({"id": "b"})", R"({"id": "a"})"),
                "$.nodes[2].id", "unique node id"},
        BadCase{"BadUnit", Replace(kValid, R"("1Gbps")", R"("1GBps")"), "$.links[0].bandwidth",
                "rate with a unit"},
        BadCase{"MissingUnit", Replace(kValid, R"("10ms")", R"("10")"), "$.links[0].latency",
                "duration with a unit"},
        BadCase{"NumberWithoutUnit", Replace(kValid, R"("10ms")", "10"), "$.links[0].latency",
                "duration with a unit"},
        BadCase{"ZeroBandwidth", Replace(kValid, R"("1Gbps")", R"("0Gbps")"),
                "$.links[0].bandwidth", "positive rate"},
        BadCase{"NegativeBandwidth", Replace(kValid, R"("1Gbps")", R"("-1Gbps")"),
                "$.links[0].bandwidth", "positive rate"},
        BadCase{"NegativeLatency", Replace(kValid, R"("10ms")", R"("-1ms")"), "$.links[0].latency",
                "non-negative duration"},
        BadCase{"MissingField", Replace(kValid, R"("bandwidth": "1Gbps", )", ""), "$.links[0]",
                "a field \"bandwidth\""},
        BadCase{"MissingReplicas",
                Replace(kValid, R"(,
  "replicas": ["a", "b"])",
                        ""),
                "$", "a field \"replicas\""},
        BadCase{"ReplicaWithNoRoute",
                Replace(Replace(kValid, R"({"id": "b"}])", R"({"id": "b"}, {"id": "island"}])"),
                        R"(["a", "b"])", R"(["a", "b", "island"])"),
                "$.replicas[2]", "a route between replica \"island\""},
        BadCase{"UnknownReplica", Replace(kValid, R"(["a", "b"])", R"(["a", "c"])"),
                "$.replicas[1]", "\"c\" is unknown"},
        BadCase{"RepeatedReplica", Replace(kValid, R"(["a", "b"])", R"(["a", "a"])"),
                "$.replicas[1]", "listed once"},
        BadCase{"MisspeltKey", Replace(kValid, R"("latency": "10ms")", R"("latncy": "10ms")"),
                "$.links[0]", "did you mean \"latency\""},
        BadCase{"LossRateOutOfRange", Replace(kValid, "0.01", "1.5"), "$.links[1].loss_rate",
                "[0, 1)"},
        BadCase{"SelfLoop", Replace(kValid, R"(["a", "sw"])", R"(["a", "a"])"),
                "$.links[0].endpoints", "two different nodes"},
        BadCase{"WrongType", Replace(kValid, R"("name": "pair")", R"("name": 7)"), "$.name",
                "a string"},
        BadCase{"NotJson", "{\"nodes\": [", "", "valid JSON"},
        BadCase{"LossRateTooLargeForADouble", Replace(kValid, "0.01", "1e400"), "",
                "numbers a double can hold"},
        BadCase{"NotAnObject", "[1, 2]", "$", "an object"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(TopologyJson, MissingFileIsAnErrorNotACrash) {
  auto t = LoadTopologyFile("/nonexistent/topology.json");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message().find("/nonexistent/topology.json"), std::string::npos);
}

}  // namespace
}  // namespace locosim
