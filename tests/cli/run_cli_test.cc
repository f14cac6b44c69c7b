// `locosim validate` and `locosim run` as a user runs them: bad scenarios exit 2 with one line
// and leave no results folder; a small real run writes a complete one.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/cli/run_cli.h"

namespace locosim::testing {
namespace {

const std::string kSource = LOCOSIM_SOURCE_DIR;
const std::string kQuickstart = kSource + "/scenarios/quickstart.json";

// The quickstart, cut to a few seconds of training.
const std::string kSmall =
    " --set outer_rounds=2 --set inner_steps=5 --set eval.every_steps=5 --set replicas=4 --set "
    "threads=1";

std::string WriteScenario(const std::string& name, const std::string& edit_from,
                          const std::string& edit_to) {
  std::string text = ReadText(kQuickstart);
  if (!edit_from.empty()) {
    const auto at = text.find(edit_from);
    EXPECT_NE(at, std::string::npos) << edit_from;
    text.replace(at, edit_from.size(), edit_to);
  }
  // Keep the topology reachable from the temporary folder.
  const std::string topology = "\"../topologies/star16.json\"";
  const auto at = text.find(topology);
  if (at != std::string::npos)
    text.replace(at, topology.size(), "\"" + kSource + "/topologies/star16.json\"");
  const std::string path = TempDir() + "/" + name + ".json";
  WriteText(path, text);
  return path;
}

int Lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(ValidateCli, EveryShippedScenarioIsValid) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/scenarios")) {
    if (entry.path().extension() != ".json" || entry.path().filename() == "crosscheck.json") {
      continue;  // crosscheck.json holds crosscheck cases, not a scenario
    }
    const auto result = RunLocosim("validate " + entry.path().string());
    EXPECT_EQ(result.exit_status, 0) << entry.path() << ": " << result.err;
    ++checked;
  }
  EXPECT_GE(checked, 7);  // quickstart, compression, streaming, heterogeneous, three benchmarks
}

TEST(ValidateCli, EveryPaperScenarioIsValidTimingOnly) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/scenarios/paper")) {
    if (entry.path().extension() != ".json") continue;
    const auto result = RunLocosim("validate --timing-only " + entry.path().string());
    EXPECT_EQ(result.exit_status, 0) << entry.path() << ": " << result.err;
    ++checked;
  }
  EXPECT_GE(checked, 3);  // noloco_barrier, intellect1, streaming_bandwidth
}

TEST(RunCli, TheIntellect1SyncIsTheRingsBandwidthTimePlusLittle) {
  // 14 nodes at 1 Gbps each, a ring all-reduce of 10 GB (int8): 2·13/14·80 Gbit = 148.6 s
  // over the access links, never less; latency, TCP's ramps and CUBIC's cuts on these 60 to
  // 240 ms round trips add up to a fifth (each cut leaves the window below the BDP for
  // seconds).
  const std::string out = TempDir() + "/intellect1";
  std::filesystem::remove_all(out);
  const auto r = RunLocosim("run " + kSource +
                            "/scenarios/paper/intellect1.json --timing-only --methods diloco "
                            "--out " +
                            out);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto summary = nlohmann::json::parse(ReadText(out + "/summary.json"));
  const double p50 = summary["methods"]["diloco"]["sync_latency_s"]["p50"];
  EXPECT_GT(p50, 2.0 * 13 / 14 * 80);
  EXPECT_LT(p50, 1.2 * 2.0 * 13 / 14 * 80);
}

TEST(ValidateCli, ShippedQuickstartIsValid) {
  const auto r = RunLocosim("validate " + kQuickstart);
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("valid"), std::string::npos);
}

struct BadScenario {
  std::string name, from, to, path_fragment;
};

void PrintTo(const BadScenario& c, std::ostream* os) { *os << c.name; }

class MalformedScenarioCli : public ::testing::TestWithParam<BadScenario> {};

TEST_P(MalformedScenarioCli, ExitsTwoWithOneLineAndNoResultsFolder) {
  const BadScenario& c = GetParam();
  const std::string file = WriteScenario(c.name, c.from, c.to);
  const std::string out = TempDir() + "/out-" + c.name;
  const auto r = RunLocosim("run " + file + " --out " + out);
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(c.path_fragment), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(RunLocosim("validate " + file).exit_status, 2);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedScenarioCli,
    ::testing::Values(
        BadScenario{"WrongType", R"("replicas": 16)", R"("replicas": "sixteen")", "$.replicas"},
        BadScenario{"UnknownKey", R"("batch_size": 16)", R"("batchsize": 16)",
                    "did you mean \"batch_size\""},
        BadScenario{"MissingField", R"("name": "quickstart",)", "", "a field \"name\""},
        BadScenario{"NegativeCount", R"("replicas": 16)", R"("replicas": -3)", "$.replicas"},
        BadScenario{"UnknownMethod", R"({"kind": "ddp"})", R"({"kind": "fsdp"})",
                    "$.methods[2].kind"},
        BadScenario{"TooFewTopologyReplicas", R"("replicas": 16)", R"("replicas": 17)",
                    "$.network.topology"},
        BadScenario{"UnreadableDataPath", R"("vocab": "byte")",
                    R"("vocab": "byte", "path": "/no/such/corpus")", "$.data.path"}),
    [](const ::testing::TestParamInfo<BadScenario>& info) { return info.param.name; });

TEST(RunCli, TheThreadCountChangesNoResult) {
  // Replicas train in parallel, each torch operation on one thread: 1 and 3 threads give the
  // same methods, curves and syncs, bit for bit (the scenario echo says the count, host the
  // wall time).
  std::vector<nlohmann::json> methods;
  std::vector<std::string> curves, syncs;
  for (const char* threads : {"1", "3"}) {
    const std::string out = TempDir() + "/threads-" + threads;
    const auto r = RunLocosim("run " + kQuickstart + kSmall + " --set threads=" + threads +
                              " --methods noloco,ddp --out " + out);
    ASSERT_EQ(r.exit_status, 0) << r.err;
    methods.push_back(nlohmann::json::parse(ReadText(out + "/summary.json"))["methods"]);
    curves.push_back(ReadText(out + "/curves.csv"));
    syncs.push_back(ReadText(out + "/syncs.csv"));
  }
  EXPECT_EQ(methods[0], methods[1]);
  EXPECT_EQ(curves[0], curves[1]);
  EXPECT_EQ(syncs[0], syncs[1]);
}

TEST(RunCli, UnknownMethodFilterIsBadInput) {
  const auto r =
      RunLocosim("run " + kQuickstart + " --methods diloco,fedavg --out " + TempDir() + "/never");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("fedavg"), std::string::npos) << r.err;
}

TEST(RunCli, AFolderGivenAsTheScenarioIsNamedAsSuch) {
  const auto r = RunLocosim("validate " + kSource + "/scenarios");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("a JSON file, found a folder"), std::string::npos) << r.err;
}

TEST(RunCli, EmptyOutIsRefused) {
  const auto r = RunLocosim("run " + kQuickstart + kSmall + " --out ''");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("--out: expected a folder name"), std::string::npos) << r.err;
}

TEST(RunCli, AnUnwritableOutIsFoundBeforeAnythingRuns) {
  // /proc accepts no new folder, even for root.
  const auto r = RunLocosim("run " + kQuickstart + kSmall + " --out /proc/locosim-test/run");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("--out: cannot create /proc/locosim-test"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("diloco"), std::string::npos) << "nothing may have run: " << r.out;
}

TEST(RunCli, ADivergingMethodIsFlaggedInTheTableTheSummaryAndTheExitStatus) {
  // lr 10 without clipping and an outer lr of 10: DiLoCo's mean model reaches NaN by step 50.
  const std::string out = TempDir() + "/diverged";
  const auto r = RunLocosim("run " + kQuickstart +
                            " --set outer_rounds=6 --set inner_steps=10 --set eval.every_steps=10"
                            " --set replicas=4 --set threads=1 --set inner_optimizer.lr=10"
                            " --set inner_optimizer.max_grad_norm=0 --set methods[0].outer_lr=10"
                            " --methods diloco --out " +
                            out);
  EXPECT_EQ(r.exit_status, 3) << r.err;
  EXPECT_NE(r.out.find("DIVERGED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("diloco diverged:"), std::string::npos) << r.out;
  const auto summary = nlohmann::json::parse(ReadText(out + "/summary.json"));
  const auto& diverged = summary["methods"]["diloco"]["diverged"];
  ASSERT_TRUE(diverged.is_object()) << diverged;
  EXPECT_EQ(diverged["loss"], "nan");
  EXPECT_LE(diverged["step"].get<int>(), 60);
  // curves.csv spells the diverged loss out, never as the empty cell of an absent value, and
  // never as the C library's "-nan".
  const std::string curves = ReadText(out + "/curves.csv");
  EXPECT_NE(curves.find(",nan,"), std::string::npos) << curves;
  EXPECT_EQ(curves.find("-nan"), std::string::npos) << curves;
}

TEST(RunCli, AVirtualTimeBeyondTheRangeIsRefusedNamingTheNetwork) {
  // "1bps" for 1Gbps: 250 MB syncs would overflow the 64-bit nanosecond clock.
  for (const char* rate : {"1bps", "1e-30bps"}) {
    const auto r =
        RunLocosim("validate " + kQuickstart + " --set network.overrides.bandwidth=" + rate);
    EXPECT_EQ(r.exit_status, 2) << rate;
    EXPECT_NE(r.err.find("at $.network: expected links fast enough"), std::string::npos) << r.err;
  }
}

TEST(RunCli, TheResolvedScenarioOfAResultsFolderRerunsFromAnywhere) {
  // Run with a relative scenario path, so that the resolved paths are relative to here.
  const std::string out = TempDir() + "/rerunnable";
  const std::string relative = std::filesystem::relative(kQuickstart).string();
  ASSERT_NE(relative.front(), '/');
  const auto r =
      RunLocosim("run " + relative + kSmall + " --timing-only --methods diloco --out " + out);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  // Validated from another folder: its topology and data paths resolve where they were.
  const auto again = RunLocosim("validate " + out + "/scenario.json");
  EXPECT_EQ(again.exit_status, 0) << again.err;
}

TEST(RunCli, SetPathsThatAreNoJsonPointerAreBadInput) {
  for (const char* set : {"a~b=1", "methods[99999999999999999999]=1", "methods[01].outer_lr=1"}) {
    const auto r = RunLocosim("validate " + kQuickstart + " --set '" + set + "'");
    EXPECT_EQ(r.exit_status, 2) << set << ": " << r.err;
    EXPECT_NE(r.err.find("--set"), std::string::npos) << r.err;
  }
}

TEST(RunCli, ExistingOutputFolderIsRefused) {
  const auto r = RunLocosim("run " + kQuickstart + " --out " + TempDir());
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
}

TEST(RunCli, SmallRunWritesACompleteResultsFolderAndATable) {
  const std::string out = TempDir() + "/small-run";
  const auto r = RunLocosim("run " + kQuickstart + kSmall + " --out " + out);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  for (const char* name : {"diloco", "noloco", "ddp"})
    EXPECT_NE(r.out.find(name), std::string::npos) << r.out;
  for (const char* file :
       {"summary.json", "curves.csv", "syncs.csv", "trace.json", "scenario.json"}) {
    EXPECT_TRUE(std::filesystem::exists(out + "/" + file)) << file;
  }
  const auto summary = nlohmann::json::parse(ReadText(out + "/summary.json"));
  EXPECT_EQ(summary["methods"].size(), 3u);
  EXPECT_EQ(summary["trained"]["replicas"], 4);
  EXPECT_EQ(summary["modelled"]["payload_bytes"], 250'000'000);
  const auto trace = nlohmann::json::parse(ReadText(out + "/trace.json"));
  EXPECT_GT(trace["traceEvents"].size(), 10u);
  // Nothing but the final folder is left behind.
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(TempDir()))
    entries += e.path().string().find(".partial") != std::string::npos;
  EXPECT_EQ(entries, 0);
}

TEST(RunCli, DdpSyncLatencyOnAUniformStarEqualsTheCollectiveCommand) {
  // No stragglers, no jitter, the ideal fluid: every DDP step's sync is exactly one ring
  // all-reduce.
  const std::string out = TempDir() + "/ddp";
  const std::string ideal =
      " --no-tcp-startup --no-slow-start-after-idle --no-congestion-avoidance";
  const auto r = RunLocosim("run " + kQuickstart + kSmall +
                            " --set compute.jitter_sigma=0 --set compute.stragglers.fraction=0"
                            " --set network.tcp.startup=false"
                            " --set network.tcp.slow_start_after_idle=false"
                            " --set network.tcp.congestion_avoidance=false --methods ddp --out " +
                            out);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto summary = nlohmann::json::parse(ReadText(out + "/summary.json"));
  const auto& sync = summary["methods"]["ddp"]["sync_latency_s"];
  const auto c = RunLocosim(
      "collective --topology " + kSource +
      "/topologies/star16.json --algorithm ring --replicas 4 --bytes 250e6 --json" + ideal);
  ASSERT_EQ(c.exit_status, 0) << c.err;
  const double ring_s = nlohmann::json::parse(c.out)["completion_s"];
  EXPECT_NEAR(sync["p50"].get<double>(), ring_s, 1e-9);
  EXPECT_NEAR(sync["max"].get<double>(), ring_s, 1e-9);
  EXPECT_EQ(summary["methods"]["ddp"]["idle_fraction"]["max"], 0.0);
}

TEST(RunCli, MethodsFilterRunsOnlyThose) {
  const std::string out = TempDir() + "/filtered";
  const auto r = RunLocosim("run " + kQuickstart + kSmall + " --methods noloco --out " + out);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto summary = nlohmann::json::parse(ReadText(out + "/summary.json"));
  EXPECT_EQ(summary["methods"].size(), 1u);
  EXPECT_TRUE(summary["methods"].contains("noloco"));
}

TEST(RunCli, SeveralSeedsGiveOneFolderPerSeedAndMeansWithIntervals) {
  const std::string out = TempDir() + "/seeds";
  std::filesystem::remove_all(out);
  const auto r =
      RunLocosim("run " + kQuickstart + kSmall + " --methods diloco,noloco --seeds 2 --out " + out);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("mean ± 95% interval over seeds"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("diloco vs noloco: differ beyond the seeds' spread in"), std::string::npos)
      << r.out;
  const auto seeds = nlohmann::json::parse(ReadText(out + "/seeds.json"));
  ASSERT_EQ(seeds["seeds"].size(), 2u);
  for (const auto& s : seeds["seeds"]) {
    // Each seed's folder is a complete results folder of that seed.
    const auto summary = nlohmann::json::parse(
        ReadText(out + "/" + s["folder"].get<std::string>() + "/summary.json"));
    EXPECT_EQ(summary["seed"], s["seed"]);
  }
  const auto loss = seeds["methods"]["diloco"]["final_eval_loss"];
  ASSERT_EQ(loss["values"].size(), 2u);
  const double a = loss["values"][0], b = loss["values"][1];
  EXPECT_NE(a, b);  // the seeds differ
  EXPECT_DOUBLE_EQ(loss["mean"].get<double>(), (a + b) / 2);
  // Two draws: t(0.975, 1) = 12.706 times |a - b| / 2.
  EXPECT_NEAR(loss["ci95_half_width"].get<double>(), 12.706 * std::abs(a - b) / 2,
              1e-3 * std::abs(a - b));
  EXPECT_TRUE(seeds["comparisons"][0].contains("final_eval_loss"));
  // Nothing is left beside the folder.
  for (const auto& e : std::filesystem::directory_iterator(TempDir())) {
    EXPECT_EQ(e.path().filename().string().find(".seeds-"), std::string::npos) << e.path();
  }
}

TEST(RunCli, ASeedsListRunsEachListedSeedAndEachFolderRerunsItsOwn) {
  const std::string out = TempDir() + "/seeds_list";
  std::filesystem::remove_all(out);
  const auto r = RunLocosim("run " + kQuickstart + kSmall +
                            " --methods noloco --set seed=null --set 'seeds=[7,2]' --out " + out);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("2 seeds (7, 2)"), std::string::npos) << r.out;
  const auto seeds = nlohmann::json::parse(ReadText(out + "/seeds.json"));
  ASSERT_EQ(seeds["seeds"].size(), 2u);
  EXPECT_EQ(seeds["seeds"][0]["seed"], 7);
  EXPECT_EQ(seeds["seeds"][1]["seed"], 2);
  // A seed's scenario.json is a plain run of that seed.
  const auto scenario = nlohmann::json::parse(ReadText(out + "/seed-2/scenario.json"));
  EXPECT_EQ(scenario["seed"], 2);
  EXPECT_FALSE(scenario.contains("seeds"));
}

TEST(RunCli, ASeedsListIsRefusedWithSeedWithSeedsNAndInASweep) {
  const auto both = RunLocosim("validate " + kQuickstart + " --set 'seeds=[1,2]'");
  EXPECT_EQ(both.exit_status, 2);
  EXPECT_NE(both.err.find("either \"seed\" or a \"seeds\" list"), std::string::npos) << both.err;
  const auto twice = RunLocosim("validate " + kQuickstart + " --set seed=null --set 'seeds=[1,1]'");
  EXPECT_EQ(twice.exit_status, 2);
  EXPECT_NE(twice.err.find("$.seeds[1]"), std::string::npos) << twice.err;
  const auto with_n = RunLocosim("run " + kQuickstart + kSmall +
                                 " --set seed=null --set 'seeds=[1,2]' --seeds 3 --out " +
                                 TempDir() + "/seeds_with_n");
  EXPECT_EQ(with_n.exit_status, 2);
  EXPECT_NE(with_n.err.find("--seeds"), std::string::npos) << with_n.err;
  const auto sweep = RunLocosim("sweep " + kQuickstart + kSmall +
                                " --set seed=null --set 'seeds=[1,2]' --vary replicas=2,4 --out " +
                                TempDir() + "/seeds_sweep");
  EXPECT_EQ(sweep.exit_status, 2);
  EXPECT_NE(sweep.err.find("$.seeds"), std::string::npos) << sweep.err;
}

TEST(RunCli, SeedsAreRefusedWithResumeAndWithCheckpoints) {
  EXPECT_EQ(RunLocosim("run --resume /tmp/x --seeds 2").exit_status, 2);
  const auto r = RunLocosim("run " + kQuickstart + kSmall +
                            " --set checkpoint_every_rounds=1 --seeds 2 --out " + TempDir() +
                            "/seeds_checkpoint");
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("--seeds"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace locosim::testing
