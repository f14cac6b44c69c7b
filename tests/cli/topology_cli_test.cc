// `locosim topology` and `locosim collective` as a user runs them.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "tests/cli/run_cli.h"

namespace locosim::testing {
namespace {

const std::string kSource = LOCOSIM_SOURCE_DIR;

int Lines(const std::string& text) {
  int lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

TEST(CollectiveCli, Star16RingAllReduceReportsFifteenPointSixSeconds) {
  const auto r = RunLocosim("collective --topology " + kSource +
                            "/topologies/star16.json --algorithm ring --bytes 1e9 --json"
                            " --no-tcp-startup --no-slow-start-after-idle"
                            " --no-congestion-avoidance");  // the ideal fluid
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_NEAR(doc["completion_s"].get<double>(), 15.6, 15.6e-3);
  EXPECT_EQ(doc["per_replica_s"].size(), 16u);
  // Each access link carries 2·15/16 of 1e9 bytes in each direction.
  EXPECT_NEAR(doc["link_bytes"]["r0-core"]["forward_bytes"].get<double>(), 1.875e9, 1);
  EXPECT_NEAR(doc["link_bytes"]["r0-core"]["reverse_bytes"].get<double>(), 1.875e9, 1);
}

// A cloud provider's inter-region round-trip table, pasted as CSV (docs/topology.md).
const char* kRtt =
    "rtt_ms,us-east,eu-west,ap-south\n"
    "us-east,,75,190\n"
    "eu-west,75,,120\n"
    "ap-south,190,120,\n";

TEST(TopologyCli, MatrixBuildsSitesFromAPerPairTableThatScenariosCanUse) {
  const std::string dir = TempDir() + "/matrix";
  std::filesystem::create_directories(dir);
  WriteText(dir + "/rtt.csv", kRtt);
  // Bandwidths given for the upper triangle only: the mirror fills the rest.
  WriteText(dir + "/bw.csv",
            "bandwidth_Gbps,us-east,eu-west,ap-south\nus-east,0,2,1\neu-west,,0,1.5\n"
            "ap-south,,,0\n");
  const auto r = RunLocosim("topology matrix --latency " + dir + "/rtt.csv --bandwidth " + dir +
                            "/bw.csv --replicas-per-site 2 -o " + dir + "/sites.json");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto doc = nlohmann::json::parse(ReadText(dir + "/sites.json"));
  EXPECT_EQ(doc["replicas"].size(), 6u);
  std::map<std::string, std::pair<std::string, std::string>> wan;  // id -> (bandwidth, latency)
  for (const auto& link : doc["links"]) {
    wan[link["id"]] = {link["bandwidth"], link["latency"]};
  }
  // One-way latency is half the round trip.
  EXPECT_EQ(wan["us-east-eu-west"], std::make_pair(std::string("2Gbps"), std::string("37500us")));
  EXPECT_EQ(wan["us-east-ap-south"], std::make_pair(std::string("1Gbps"), std::string("95ms")));
  EXPECT_EQ(wan["eu-west-ap-south"], std::make_pair(std::string("1500Mbps"), std::string("60ms")));
  // A DiLoCo all-reduce runs on it.
  const auto c = RunLocosim("collective --topology " + dir +
                            "/sites.json --algorithm ring "
                            "--bytes 100MB --json");
  EXPECT_EQ(c.exit_status, 0) << c.err;
}

struct BadTable {
  const char* name;
  std::string csv;
  std::string where;  // what the one-line error must say
};

class MalformedMatrixCli : public ::testing::TestWithParam<BadTable> {};

TEST_P(MalformedMatrixCli, ExitsTwoNamingTheFileRowAndColumn) {
  const std::string dir = TempDir() + "/bad_matrix";
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/" + GetParam().name + ".csv";
  WriteText(path, GetParam().csv);
  const auto r = RunLocosim("topology matrix --latency " + path);
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(GetParam().where), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(r.out.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedMatrixCli,
    ::testing::Values(
        BadTable{"NoUnit", "ms,a,b\na,,3\nb,3,\n", "at row 1, column 1: expected a top-left cell"},
        BadTable{"NotANumber", "rtt_ms,a,b\na,,x\nb,3,\n",
                 "at row 2, column 3: expected a latency"},
        BadTable{"Negative", "rtt_ms,a,b\na,,-1\nb,,\n", "at row 2, column 3"},
        BadTable{"Asymmetric", "rtt_ms,a,b\na,,3\nb,4,\n",
                 "at row 2, column 3: expected the same value as its mirror, row 3, column 2"},
        BadTable{"Missing", "rtt_ms,a,b,c\na,,3,4\nb,3,,\nc,4,,\n",
                 "at row 3, column 4: expected a value for b to c"},
        BadTable{"RowOrder", "rtt_ms,a,b\nb,,3\na,3,\n",
                 "at row 2, column 1: expected the site \"a\""},
        BadTable{"ShortRow", "rtt_ms,a,b\na,,3\nb\n", "at row 3, column 2: expected 3 cells"},
        BadTable{"Diagonal", "rtt_ms,a,b\na,5,3\nb,3,\n",
                 "at row 2, column 2: expected an empty or 0"},
        BadTable{"OneSite", "rtt_ms,a\na,\n", "between 2 and 1000 sites"},
        BadTable{"Empty", "", "expected a header row"}),
    [](const ::testing::TestParamInfo<BadTable>& info) { return std::string(info.param.name); });

TEST(TopologyCli, ZeroReplicasIsRefusedInOneShortLine) {
  const auto r = RunLocosim("topology star --replicas 0");
  EXPECT_NE(r.exit_status, 0);
  EXPECT_NE(r.err.find("--replicas"), std::string::npos) << r.err;
  EXPECT_LT(r.err.size(), 200u) << r.err;
}

TEST(CollectiveCli, FirstKReplicasOnly) {
  const auto r =
      RunLocosim("collective --topology " + kSource +
                 "/topologies/star16.json --algorithm gossip --bytes 64MiB --replicas 4 --json");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["per_replica_s"].size(), 4u);
}

TEST(CollectiveCli, MoreReplicasThanTheTopologyHasIsBadInput) {
  const auto r = RunLocosim("collective --topology " + kSource +
                            "/topologies/star16.json --algorithm ring --bytes 1e6 --replicas 17");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("--replicas"), std::string::npos) << r.err;
}

TEST(CollectiveCli, UnknownAlgorithmIsBadInput) {
  const auto r = RunLocosim("collective --topology " + kSource +
                            "/topologies/star16.json --algorithm butterfly --bytes 1e6");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("butterfly"), std::string::npos) << r.err;
}

TEST(CollectiveCli, MalformedTopologyFileExitsTwoWithOneLineNamingFileAndPath) {
  const std::string path = TempDir() + "/bad.json";
  WriteText(path, R"({"nodes": [{"id": "a"}, {"id": "b"}],
    "links": [{"endpoints": ["a", "b"], "bandwidth": "fast", "latency": "1ms"}],
    "replicas": ["a", "b"]})");
  const auto r = RunLocosim("collective --topology " + path + " --algorithm ring --bytes 1e6");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("$.links[0].bandwidth"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("expected a positive rate"), std::string::npos) << r.err;
}

TEST(CollectiveCli, NotJsonExitsTwo) {
  const std::string path = TempDir() + "/notjson.json";
  WriteText(path, "this is not json");
  const auto r = RunLocosim("collective --topology " + path + " --algorithm ring --bytes 1e6");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("valid JSON"), std::string::npos) << r.err;
}

TEST(CollectiveCli, MissingTopologyFileExitsTwo) {
  const auto r = RunLocosim("collective --topology /nonexistent.json --algorithm ring --bytes 1e6");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("/nonexistent.json"), std::string::npos) << r.err;
}

TEST(CrosscheckCli, LossyIsOnlyForTheRealBackendAndRealRunsAreBounded) {
  auto r = RunLocosim("crosscheck --lossy");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("--lossy"), std::string::npos) << r.err;
  r = RunLocosim("crosscheck --real --lossy --real-runs 0");
  EXPECT_NE(r.exit_status, 0);
  EXPECT_NE(r.err.find("--real-runs"), std::string::npos) << r.err;
}

TEST(TopologyCli, GeneratedStarRunsAndMatchesTheShippedOne) {
  const std::string path = TempDir() + "/star16.json";
  const auto r =
      RunLocosim("topology star --replicas 16 --bandwidth 1Gbps --latency 10ms -o " + path);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(ReadText(path), ReadText(kSource + "/topologies/star16.json"));
}

TEST(TopologyCli, ShippedTopologiesAreWhatTheirGeneratorsWrite) {
  // The files in topologies/ are reproducible from these commands (see topologies/README.md).
  const std::string regions = TempDir() + "/regions3.json";
  ASSERT_EQ(
      RunLocosim("topology regions --regions 3 --replicas-per-region 4 -o " + regions).exit_status,
      0);
  EXPECT_EQ(ReadText(regions), ReadText(kSource + "/topologies/regions3.json"));
  const std::string internet = TempDir() + "/internet256.json";
  ASSERT_EQ(RunLocosim("topology internet --replicas 256 --regions 4 --seed 1 -o " + internet)
                .exit_status,
            0);
  EXPECT_EQ(ReadText(internet), ReadText(kSource + "/topologies/internet256.json"));
}

TEST(TopologyCli, RateWithoutUnitIsBadInput) {
  const auto r = RunLocosim("topology star --replicas 4 --bandwidth 1000");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("--bandwidth"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(TopologyCli, ZeroReplicasIsBadInput) {
  EXPECT_EQ(RunLocosim("topology star --replicas 0").exit_status, 2);
}

TEST(TopologyCli, RegionsGeneratorWritesOneSharedWanLinkPerRegionPair) {
  const auto r =
      RunLocosim("topology regions --regions 4 --replicas-per-region 2 --wan-bandwidth 100Mbps");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  int wan = 0;
  for (const auto& link : doc["links"]) wan += link["bandwidth"] == "100Mbps";
  EXPECT_EQ(wan, 6);  // 4 choose 2
  EXPECT_EQ(doc["replicas"].size(), 8u);
}

}  // namespace
}  // namespace locosim::testing
