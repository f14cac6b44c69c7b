// `kill -9` of `locosim run` in the middle of training, then `locosim run --resume`: the
// results are those of a run never killed, outside summary.json's host section. The killed
// run's partial folder is listed by the next run beside it, refused by `locosim report`, and
// a resume is refused if the scenario file changed meanwhile.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli/run_cli.h"

extern char** environ;

namespace locosim::testing {
namespace {

namespace fs = std::filesystem;
const std::string kSource = LOCOSIM_SOURCE_DIR;

// The quickstart, small enough for a test but with enough rounds that the kill lands inside
// training: 4 replicas x 12 rounds of 5 steps per method, a checkpoint every 2 rounds.
const std::vector<std::string> kSets = {"outer_rounds=12",     "inner_steps=5",
                                        "eval.every_steps=10", "replicas=4",
                                        "threads=1",           "checkpoint_every_rounds=2"};

std::string SetArgs() {
  std::string args;
  for (const std::string& s : kSets) args += " --set " + s;
  return args;
}

// The quickstart copied where the test may edit it, its topology path made absolute.
std::string ScenarioCopy(const std::string& dir) {
  std::string text = ReadText(kSource + "/scenarios/quickstart.json");
  const std::string topology = "\"../topologies/star16.json\"";
  text.replace(text.find(topology), topology.size(), "\"" + kSource + "/topologies/star16.json\"");
  const std::string path = dir + "/scenario.json";
  WriteText(path, text);
  return path;
}

// The manifest of the one partial folder in `parent`, or null.
nlohmann::json Manifest(const std::string& parent, std::string* folder) {
  for (const auto& e : fs::directory_iterator(parent)) {
    if (e.path().filename().string().find(".partial-") == std::string::npos) continue;
    *folder = e.path().string();
    const std::string text = ReadText(e.path().string() + "/checkpoint/checkpoint.json");
    if (text.empty()) return nullptr;
    try {
      return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception&) {
      return nullptr;  // cannot happen (the manifest is replaced atomically), but never hang
    }
  }
  return nullptr;
}

// Starts `locosim run SCENARIO --set ... --out OUT` and kills it with SIGKILL once it has
// checkpointed inside its second method (NoLoCo). Returns the partial folder it left.
std::string RunAndKillMidTraining(const std::string& scenario, const std::string& out) {
  std::vector<std::string> args = {LOCOSIM_BINARY, "run", scenario};
  for (const std::string& s : kSets) args.insert(args.end(), {"--set", s});
  args.insert(args.end(), {"--out", out});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&files, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &files, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  EXPECT_EQ(spawned, 0);
  if (spawned != 0) return "";
  const std::string parent = fs::path(out).parent_path().string();
  std::string folder;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    const nlohmann::json m = Manifest(parent, &folder);
    if (m.is_object() && m["method"] == 1 && m["checkpoint"].get<int>() >= 1) break;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      ADD_FAILURE() << "the run ended before it could be killed mid-training";
      return "";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;
  return folder;
}

nlohmann::json SummaryOutsideHost(const std::string& dir) {
  nlohmann::json summary = nlohmann::json::parse(ReadText(dir + "/summary.json"));
  summary.erase("host");
  return summary;
}

TEST(ResumeCli, KillNineMidTrainingThenResumeGivesTheSummaryOfARunNeverKilled) {
  const std::string parent = TempDir() + "/resume";
  fs::create_directories(parent);
  const std::string scenario = ScenarioCopy(parent);
  const std::string killed = parent + "/killed";
  const std::string partial = RunAndKillMidTraining(scenario, killed);
  ASSERT_FALSE(partial.empty());
  EXPECT_FALSE(fs::exists(killed));
  EXPECT_TRUE(fs::exists(partial + "/checkpoint/checkpoint.json"));

  // The uninterrupted reference, beside it: that run lists the killed one's folder.
  const std::string whole = parent + "/whole";
  const auto reference = RunLocosim("run " + scenario + SetArgs() + " --out " + whole);
  ASSERT_EQ(reference.exit_status, 0) << reference.err;
  EXPECT_NE(reference.err.find("locosim run --resume " + partial), std::string::npos)
      << reference.err;

  // A partial folder is not a results folder.
  const auto report = RunLocosim("report " + partial + " -o " + parent + "/report.html");
  EXPECT_EQ(report.exit_status, 2);
  EXPECT_NE(report.err.find("partial folder"), std::string::npos) << report.err;

  // A changed scenario is refused, naming the field; restored, the resume goes on.
  const std::string original = ReadText(scenario);
  std::string edited = original;
  edited.replace(edited.find("\"seed\": 1"), 9, "\"seed\": 2");
  WriteText(scenario, edited);
  const auto refused = RunLocosim("run --resume " + partial);
  EXPECT_EQ(refused.exit_status, 2);
  EXPECT_NE(refused.err.find("has changed since (at /seed)"), std::string::npos) << refused.err;
  WriteText(scenario, original);

  const auto resumed = RunLocosim("run --resume " + partial);
  ASSERT_EQ(resumed.exit_status, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("results: " + killed), std::string::npos) << resumed.out;
  EXPECT_EQ(SummaryOutsideHost(killed), SummaryOutsideHost(whole));
  for (const char* file : {"curves.csv", "syncs.csv", "trace.json", "scenario.json"}) {
    EXPECT_EQ(ReadText(killed + "/" + file), ReadText(whole + "/" + file)) << file;
  }
  const auto host = nlohmann::json::parse(ReadText(killed + "/summary.json"))["host"];
  EXPECT_NE(host.value("resumed_from", "").find("method noloco"), std::string::npos) << host;
  // Nothing is left of the killed run but its results.
  for (const auto& e : fs::directory_iterator(parent)) {
    EXPECT_EQ(e.path().filename().string().find(".partial-"), std::string::npos) << e.path();
  }
  EXPECT_FALSE(fs::exists(killed + "/checkpoint"));
}

TEST(ResumeCli, ResumeTakesNothingElseAndRefusesAFinishedFolder) {
  const auto extra = RunLocosim("run " + kSource + "/scenarios/quickstart.json --resume /tmp");
  EXPECT_EQ(extra.exit_status, 2);
  EXPECT_NE(extra.err.find("--resume: expected no scenario"), std::string::npos) << extra.err;
  const auto none = RunLocosim("run --resume " + TempDir() + "/no-such-folder");
  EXPECT_EQ(none.exit_status, 2);
  EXPECT_NE(none.err.find("there is no folder"), std::string::npos) << none.err;
  const std::string empty = TempDir() + "/not-a-partial-folder";
  fs::create_directories(empty);
  const auto nothing = RunLocosim("run --resume " + empty);
  EXPECT_EQ(nothing.exit_status, 2);
  EXPECT_NE(nothing.err.find("no checkpoint here"), std::string::npos) << nothing.err;
}

TEST(ResumeCli, APartialFolderWithoutCheckpointsIsRemovedByTheNextRunBesideIt) {
  const std::string parent = TempDir() + "/leftover";
  fs::create_directories(parent + "/.old.partial-999999999/");
  WriteText(parent + "/.old.partial-999999999/summary.json", "{\"half\": ");
  const auto r =
      RunLocosim("run " + kSource + "/scenarios/quickstart.json" + SetArgs() +
                 " --set outer_rounds=2 --methods diloco --timing-only --out " + parent + "/new");
  EXPECT_NE(r.err.find("removed " + parent + "/.old.partial-999999999"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(parent + "/.old.partial-999999999"));
}

}  // namespace
}  // namespace locosim::testing
