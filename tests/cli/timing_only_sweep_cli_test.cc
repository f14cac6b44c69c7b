// `locosim run --timing-only` and `locosim sweep` as a user runs them, on the quickstart cut
// to a few steps (timing-only: no training, so each run takes a fraction of a second).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/cli/run_cli.h"

namespace locosim::testing {
namespace {

namespace fs = std::filesystem;

const std::string kQuickstart = std::string(LOCOSIM_SOURCE_DIR) + "/scenarios/quickstart.json";
const std::string kSmall =
    " --set outer_rounds=2 --set inner_steps=5 --set eval.every_steps=5 --set replicas=4";

int Lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(TimingOnlyCli, RunsWithoutTrainingAndWritesNoLosses) {
  const std::string out = TempDir() + "/timing";
  const auto r = RunLocosim("run " + kQuickstart + kSmall + " --timing-only --out " + out);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto summary = nlohmann::json::parse(ReadText(out + "/summary.json"));
  EXPECT_TRUE(summary["trained"]["data"].is_null());
  EXPECT_EQ(summary["trained"]["parameters"], 0);
  EXPECT_EQ(summary["modelled"]["payload_bytes"], 250'000'000);
  for (const auto& [name, m] : summary["methods"].items()) {
    EXPECT_TRUE(m["final_eval_loss"].is_null()) << name;
    EXPECT_GT(m["sync_latency_s"]["p50"].get<double>(), 0) << name;
  }
  EXPECT_EQ(ReadText(out + "/curves.csv").find("nan"), std::string::npos);
}

TEST(TimingOnlyCli, UndeclaredPayloadIsBadInput) {
  const auto r = RunLocosim("run " + kQuickstart + kSmall +
                            " --set 'payload={\"bytes\":\"auto\"}' --timing-only --out " +
                            TempDir() + "/never");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("at $.payload: expected a declared payload"), std::string::npos) << r.err;
}

TEST(SweepCli, RunsEveryPointAndWritesCsvAndReports) {
  const std::string out = TempDir() + "/sweep";
  const auto r = RunLocosim(
      "sweep " + kQuickstart + kSmall +
      " --timing-only --methods diloco,noloco --vary network.overrides.bandwidth=100Mbps,10Gbps"
      " --vary methods[1].group_size=2,4 --out " +
      out);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  for (const char* point : {"p00-network.overrides.bandwidth=100Mbps-methods_1_.group_size=2",
                            "p03-network.overrides.bandwidth=10Gbps-methods_1_.group_size=4"}) {
    EXPECT_TRUE(fs::exists(out + "/" + point + "/summary.json")) << point;
  }
  const std::string csv = ReadText(out + "/sweep.csv");
  EXPECT_EQ(Lines(csv), 1 + 4 * 2) << csv;
  EXPECT_EQ(csv.rfind("point,folder,network.overrides.bandwidth,methods[1].group_size,method,", 0),
            0u)
      << csv;
  EXPECT_NE(ReadText(out + "/report.html").find("Sync latency against network.overrides.bandwidth"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(out + "/report_files/axis1_idle.svg"));
  // A slower network cannot make the same schedule's syncs faster.
  const auto slow = nlohmann::json::parse(ReadText(
      out + "/p00-network.overrides.bandwidth=100Mbps-methods_1_.group_size=2/summary.json"));
  const auto fast = nlohmann::json::parse(ReadText(
      out + "/p02-network.overrides.bandwidth=10Gbps-methods_1_.group_size=2/summary.json"));
  EXPECT_GT(slow["methods"]["diloco"]["sync_latency_s"]["p50"].get<double>(),
            fast["methods"]["diloco"]["sync_latency_s"]["p50"].get<double>());
}

TEST(SweepCli, BadValueFailsBeforeAnyRunNamingThePoint) {
  const std::string out = TempDir() + "/sweep-bad";
  const auto r = RunLocosim("sweep " + kQuickstart + kSmall +
                            " --timing-only --vary replicas=2,many --out " + out);
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("sweep point 1 (replicas=many)"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(RunLocosim("sweep " + kQuickstart + " --vary replicas --out " + out).exit_status, 2);
}

}  // namespace
}  // namespace locosim::testing
