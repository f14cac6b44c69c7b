#include "sim/engine/journaled_data_plane.h"

#include <bit>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace locosim {
namespace {

std::string Bits(double d) {
  char buffer[20];
  std::snprintf(buffer, sizeof buffer, "%016" PRIx64, std::bit_cast<std::uint64_t>(d));
  return buffer;
}

double FromBits(const std::string& hex) {
  char* end = nullptr;
  const std::uint64_t bits = std::strtoull(hex.c_str(), &end, 16);
  if (hex.size() != 16 || end != hex.c_str() + hex.size()) {
    throw CheckpointError("a malformed number in the checkpoint's journal: \"" + hex + "\"");
  }
  return std::bit_cast<double>(bits);
}

int ReplicaFrom(const std::string& word) {
  char* end = nullptr;
  const long r = std::strtol(word.c_str(), &end, 10);
  if (word.empty() || end != word.c_str() + word.size() || r < 0 || r > 1'000'000) {
    throw CheckpointError("a malformed replica in the checkpoint's journal: \"" + word + "\"");
  }
  return static_cast<int>(r);
}

std::string Optional(const std::optional<double>& d) { return d ? Bits(*d) : "-"; }

std::optional<double> OptionalFromBits(const std::string& word) {
  if (word == "-") return std::nullopt;
  return FromBits(word);
}

std::string Members(std::span<const int> members) {
  std::string out;
  for (int m : members) out += (out.empty() ? "" : ",") + std::to_string(m);
  return out;
}

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

}  // namespace

JournaledDataPlane::JournaledDataPlane(DataPlane& live, std::istream* replay,
                                       std::int64_t replay_calls, std::ostream& journal,
                                       bool then_live)
    : live_(live),
      replay_(replay),
      replay_calls_(replay_calls),
      journal_(journal),
      then_live_(then_live) {}

void JournaledDataPlane::CheckLive(const std::string& request) const {
  if (then_live_) return;
  throw CheckpointError("the checkpoint's journal of a finished method ends after " +
                        std::to_string(replay_calls_) + " calls, but this run asks \"" + request +
                        "\" next (another scenario, seed or build made it)");
}

std::string JournaledDataPlane::ReplayAnswer(const std::string& request) {
  const std::int64_t call = ++calls_;
  std::string line;
  if (!std::getline(*replay_, line)) {
    throw CheckpointError("the checkpoint's journal ends at call " + std::to_string(call - 1) +
                          " of " + std::to_string(replay_calls_));
  }
  const std::size_t bar = line.find(" | ");
  const std::string asked = line.substr(0, bar);
  if (asked != request) {
    throw CheckpointError("the checkpoint's journal does not match this run at call " +
                          std::to_string(call) + ": it has \"" + asked +
                          "\" where this run asks \"" + request +
                          "\" (another scenario, seed or build made it)");
  }
  return bar == std::string::npos ? "" : line.substr(bar + 3);
}

void JournaledDataPlane::Record(const std::string& request, const std::string& answer) {
  ++calls_;
  journal_ << request;
  if (!answer.empty()) journal_ << " | " << answer;
  journal_ << '\n';
}

void JournaledDataPlane::BeginInnerSteps(int replica, int steps) {
  const std::string request = "begin " + std::to_string(replica) + " " + std::to_string(steps);
  if (replaying()) {
    ReplayAnswer(request);
    return;
  }
  CheckLive(request);
  live_.BeginInnerSteps(replica, steps);
  Record(request, "");
}

std::vector<PhaseResult> JournaledDataPlane::FinishInnerSteps(std::span<const int> replicas) {
  const std::string request = "finish " + Members(replicas);
  if (replaying()) {
    // "replica loss replica loss ..."
    const std::vector<std::string> words = Words(ReplayAnswer(request));
    if (words.size() % 2 != 0) throw CheckpointError("a malformed journal line: " + request);
    std::vector<PhaseResult> done;
    for (std::size_t k = 0; k < words.size(); k += 2) {
      done.push_back({ReplicaFrom(words[k]), FromBits(words[k + 1])});
    }
    return done;
  }
  CheckLive(request);
  std::vector<PhaseResult> done = live_.FinishInnerSteps(replicas);
  std::string answer;
  for (const PhaseResult& p : done) {
    answer += (answer.empty() ? "" : " ") + std::to_string(p.replica) + " " + Bits(p.loss);
  }
  Record(request, answer);
  return done;
}

std::optional<double> JournaledDataPlane::ApplyOuterUpdate(std::span<const int> group,
                                                           const OuterUpdate& update) {
  const std::string request = "outer " + std::to_string(update.index()) + " " + Members(group);
  if (replaying()) return OptionalFromBits(ReplayAnswer(request));
  CheckLive(request);
  const std::optional<double> loss = live_.ApplyOuterUpdate(group, update);
  Record(request, Optional(loss));
  return loss;
}

void JournaledDataPlane::CopyReplica(int to, int from) {
  const std::string request = "copy " + std::to_string(to) + " " + std::to_string(from);
  if (replaying()) {
    ReplayAnswer(request);
    return;
  }
  CheckLive(request);
  live_.CopyReplica(to, from);
  Record(request, "");
}

void JournaledDataPlane::ResetToSlowWeights(int replica) {
  const std::string request = "reset " + std::to_string(replica);
  if (replaying()) {
    ReplayAnswer(request);
    return;
  }
  CheckLive(request);
  live_.ResetToSlowWeights(replica);
  Record(request, "");
}

void JournaledDataPlane::Snapshot(int id, int replica) {
  const std::string request = "snapshot " + std::to_string(id) + " " + std::to_string(replica);
  if (replaying()) {
    ReplayAnswer(request);
    return;
  }
  CheckLive(request);
  live_.Snapshot(id, replica);
  Record(request, "");
}

EvalMetrics JournaledDataPlane::EvaluateSnapshot(int id) {
  const std::string request = "evaluate " + std::to_string(id);
  if (replaying()) {
    // "loss perplexity accuracy reward_margin", absent ones as "-".
    const std::vector<std::string> words = Words(ReplayAnswer(request));
    if (words.size() != 4) throw CheckpointError("a malformed journal line: " + request);
    return EvalMetrics{FromBits(words[0]), OptionalFromBits(words[1]), OptionalFromBits(words[2]),
                       OptionalFromBits(words[3])};
  }
  CheckLive(request);
  const EvalMetrics m = live_.EvaluateSnapshot(id);
  Record(request, Bits(m.loss) + " " + Optional(m.perplexity) + " " + Optional(m.accuracy) + " " +
                      Optional(m.reward_margin));
  return m;
}

}  // namespace locosim
