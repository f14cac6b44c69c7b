#include "sim/config/crosscheck_cases.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace locosim {
namespace {

std::string WriteCases(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "locosim_crosscheck_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(CrosscheckCases, GeneratorLossAndReplicasAreApplied) {
  const auto path = WriteCases("ok.json", R"({"cases": [
    {"name": "r", "generator": {"kind": "regions", "regions": 2, "replicas_per_region": 2},
     "algorithm": "gossip", "bytes": "1MB", "replicas": 3, "seed": 5,
     "loss": {"rate": 0.02, "links": ["sw0-sw1"]}},
    {"name": "s", "generator": {"kind": "star", "replicas": 4}, "algorithm": "ring", "bytes": 1000}]})");
  auto cases = LoadCrosscheckCases(path);
  ASSERT_TRUE(cases) << cases.error().message();
  ASSERT_EQ(cases->size(), 2u);
  const CrosscheckCase& r = (*cases)[0];
  EXPECT_EQ(r.replicas, 3);
  EXPECT_EQ(r.seed, 5u);
  EXPECT_EQ(r.bytes, Bytes(1'000'000));
  EXPECT_TRUE(r.lossy);
  for (const Link& l : r.topology.links)
    EXPECT_EQ(l.loss_rate, l.id == "sw0-sw1" ? 0.02 : 0.0) << l.id;
  EXPECT_FALSE((*cases)[1].lossy);
  EXPECT_EQ((*cases)[1].replicas, 4);
}

TEST(CrosscheckCases, MisspeltKeyIsAnErrorWithItsPath) {
  const auto path = WriteCases("bad.json", R"({"cases": [
    {"name": "s", "generator": {"kind": "star"}, "algorithm": "ring", "byte": "1MB"}]})");
  auto cases = LoadCrosscheckCases(path);
  ASSERT_FALSE(cases);
  EXPECT_NE(cases.error().message().find("$.cases[0]"), std::string::npos)
      << cases.error().message();
}

TEST(CrosscheckCases, UnknownLossLinkIsAnError) {
  const auto path = WriteCases("badlink.json", R"({"cases": [
    {"name": "s", "generator": {"kind": "star"}, "algorithm": "ring", "bytes": "1MB",
     "loss": {"rate": 0.01, "links": ["nope"]}}]})");
  auto cases = LoadCrosscheckCases(path);
  ASSERT_FALSE(cases);
  EXPECT_NE(cases.error().message().find("nope"), std::string::npos);
}

}  // namespace
}  // namespace locosim
