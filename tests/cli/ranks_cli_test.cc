// `locosim run` over several ranks as a user starts it: tools/launch on this machine, two
// ranks meeting over 127.0.0.1 only. Two ranks write the summary of one; what cannot run over
// ranks is refused before any rank waits; a killed rank ends the other at once, by name, and
// leaves no results folder.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/cli/run_cli.h"

namespace locosim::testing {
namespace {

const std::string kSource = LOCOSIM_SOURCE_DIR;
const std::string kBinary = LOCOSIM_BINARY;
const std::string kQuickstart = kSource + "/scenarios/quickstart.json";
// The quickstart cut to a few seconds: 5 replicas, so the ranks hold 3 and 2.
const std::string kShort =
    " --set outer_rounds=2 --set inner_steps=5 --set eval.every_steps=5 --set replicas=5";

// A shell command's status and output, bounded by `timeout` (seconds) whatever it does.
CliResult RunShell(const std::string& command, int timeout_s) {
  return RunCommand("timeout -k 5 " + std::to_string(timeout_s) + " bash -c '" + command + "'");
}

nlohmann::json SummaryWithoutHost(const std::string& dir, nlohmann::json* host = nullptr) {
  nlohmann::json summary = nlohmann::json::parse(ReadText(dir + "/summary.json"));
  if (host) *host = summary["host"];
  summary.erase("host");
  return summary;
}

// scenarios/streaming.json cut to a few seconds (faults.json takes about 10 s whole).
const std::string kStreamingShort = " --set outer_rounds=2 --methods streaming_diloco";

int FreePort() { return 30000 + static_cast<int>(::getpid() % 20000); }

TEST(RanksCli, TwoRanksWriteTheResultsOfOneBitForBit) {
  const std::string one = TempDir() + "/one_rank", two = TempDir() + "/two_ranks";
  const CliResult single = RunLocosim("run " + kQuickstart + kShort + " --out " + one);
  ASSERT_EQ(single.exit_status, 0) << single.err;
  const CliResult pair = RunShell(
      kSource + "/tools/launch -n 2 " + kBinary + " run " + kQuickstart + kShort + " --out " + two,
      240);
  ASSERT_EQ(pair.exit_status, 0) << pair.err;
  nlohmann::json host;
  EXPECT_EQ(SummaryWithoutHost(two, &host), SummaryWithoutHost(one));
  EXPECT_EQ(host["ranks"], 2);
  for (const char* file : {"curves.csv", "syncs.csv"})
    EXPECT_EQ(ReadText(two + "/" + file), ReadText(one + "/" + file)) << file;
  // Rank 0 prints the table, once.
  EXPECT_NE(pair.out.find("final_loss"), std::string::npos) << pair.out;
  EXPECT_EQ(pair.out.find("final_loss"), pair.out.rfind("final_loss")) << pair.out;
}

// `flags` run on one rank and on two through tools/launch; the summaries must be equal.
void ExpectTwoRanksEqualOne(const std::string& name, const std::string& flags) {
  const std::string one = TempDir() + "/" + name + "_one", two = TempDir() + "/" + name + "_two";
  const CliResult single = RunLocosim("run " + flags + " --out " + one);
  ASSERT_EQ(single.exit_status, 0) << single.err;
  const CliResult pair =
      RunShell(kSource + "/tools/launch -n 2 " + kBinary + " run " + flags + " --out " + two, 240);
  ASSERT_EQ(pair.exit_status, 0) << pair.err;
  EXPECT_EQ(SummaryWithoutHost(two), SummaryWithoutHost(one));
  for (const char* file : {"curves.csv", "syncs.csv"})
    EXPECT_EQ(ReadText(two + "/" + file), ReadText(one + "/" + file)) << file;
}

TEST(RanksCli, ReplicaFailuresOverTwoRanksGiveTheResultsOfOne) {
  // Replicas of both ranks fail and rejoin (3, 7, 11 and 14 at seed 1), copying live peers
  // on their own rank or the other.
  ExpectTwoRanksEqualOne("faults", kSource + "/scenarios/faults.json");
  const nlohmann::json summary = SummaryWithoutHost(TempDir() + "/faults_two");
  std::set<int> rejoined;  // replicas that failed and came back, on either rank
  for (const auto& [name, method] : summary.at("methods").items()) {
    for (const auto& event : method.at("faults").at("events")) {
      if (!event.at("back_at_s").is_null()) rejoined.insert(event.at("replica").get<int>());
    }
  }
  ASSERT_FALSE(rejoined.empty()) << "no replica failed and rejoined: the test shows nothing";
  EXPECT_LT(*rejoined.begin(), 8) << "none of rank 0's replicas rejoined";
  EXPECT_GE(*rejoined.rbegin(), 8) << "none of rank 1's replicas rejoined";
}

TEST(RanksCli, StreamingDilocoOverTwoRanksGivesTheResultsOfOne) {
  ExpectTwoRanksEqualOne("streaming", kSource + "/scenarios/streaming.json" + kStreamingShort);
}

TEST(RanksCli, SeedsOverTwoRanksGiveTheResultsOfOne) {
  const std::string one = TempDir() + "/seeds_one", two = TempDir() + "/seeds_two";
  const std::string flags = kQuickstart + kShort + " --seeds 2";
  const CliResult single = RunLocosim("run " + flags + " --out " + one);
  ASSERT_EQ(single.exit_status, 0) << single.err;
  const CliResult pair =
      RunShell(kSource + "/tools/launch -n 2 " + kBinary + " run " + flags + " --out " + two, 240);
  ASSERT_EQ(pair.exit_status, 0) << pair.err;
  EXPECT_EQ(nlohmann::json::parse(ReadText(two + "/seeds.json")),
            nlohmann::json::parse(ReadText(one + "/seeds.json")));
  for (const char* seed : {"/seed-1", "/seed-2"})
    EXPECT_EQ(SummaryWithoutHost(two + seed), SummaryWithoutHost(one + seed)) << seed;
}

TEST(RanksCli, WhatCannotRunOverRanksIsRefusedBeforeAnyRankWaits) {
  const std::string flags =
      " --world-size 2 --rank 1 --rendezvous 127.0.0.1:" + std::to_string(FreePort()) +
      " --rank-timeout-s 60 --out " + TempDir() + "/refused";
  const auto start = std::chrono::steady_clock::now();
  CliResult r = RunLocosim("run " + kQuickstart + " --set checkpoint_every_rounds=1" + flags);
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("$.checkpoint_every_rounds"), std::string::npos) << r.err;
  r = RunLocosim("run " + kQuickstart + " --set 'compute={\"measured\": true}'" + flags);
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("$.compute.measured"), std::string::npos) << r.err;
  r = RunLocosim("run " + kQuickstart + flags + " --timing-only");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("--timing-only"), std::string::npos) << r.err;
  r = RunLocosim("run " + kQuickstart + " --world-size 2 --rank 2 --out x");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("--rank"), std::string::npos) << r.err;
  r = RunLocosim("run " + kQuickstart + " --out x", "WORLD_SIZE=2 RANK=two");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("RANK"), std::string::npos) << r.err;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 30)
      << "a refusal waited for the rendezvous";
}

TEST(RanksCli, KillingOneRankEndsTheOtherWithALineNamingIt) {
  const std::string out = TempDir() + "/killed";
  const std::string common = kBinary + " run " + kQuickstart +
                             " --set outer_rounds=40 --set replicas=8 --world-size 2"
                             " --rank-timeout-s 60 --rendezvous 127.0.0.1:" +
                             std::to_string(FreePort() + 1) + " --out " + out;
  // Rank 1 is killed once rank 0 reports progress (so both are training); rank 0 must stop
  // at once, not after its 60 s timeout.
  const std::string log = TempDir() + "/rank0.err", killed_at = TempDir() + "/killed_at";
  const CliResult r = RunShell(
      "rm -f " + log + "; (" + common + " --rank 1 >/dev/null 2>&1 & p=$!; " +
          "for i in $(seq 1 240); do grep -q % " + log + " 2>/dev/null && break; sleep 0.25; " +
          "done; kill -9 $p; date +%s > " + killed_at + ") & " + common +
          " --rank 0 >/dev/null 2>" + log + "; s=$?; wait; echo \"$s $(( $(date +%s) - $(cat " +
          killed_at + ") ))\"; cat " + log + " >&2",
      150);
  int status = -1, seconds = -1;
  ASSERT_EQ(std::sscanf(r.out.c_str(), "%d %d", &status, &seconds), 2) << r.out << r.err;
  EXPECT_EQ(status, 1) << r.err;
  EXPECT_LE(seconds, 10) << "rank 0 stopped " << seconds << " s after rank 1 was killed";
  EXPECT_NE(r.err.find("lost rank 1 of 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no results were written"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace locosim::testing
