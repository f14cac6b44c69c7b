#include "tools/cli/rank_options.h"

#include <cstdlib>

namespace locosim::cli {
namespace {

// A whole non-negative number from a flag or environment variable, or an error naming it.
Result<int> ParseCount(const std::string& text, const std::string& where) {
  std::size_t used = 0;
  int value = -1;
  try {
    value = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || value < 0)
    return ConfigError{where, "", "a whole number >= 0, found \"" + text + "\""};
  return value;
}

std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

// The flag if given, else the environment variable `name` if set, else nullopt.
Result<std::optional<int>> FlagOrEnv(const std::optional<int>& flag, const char* name) {
  if (flag) return flag;
  const std::optional<std::string> text = Env(name);
  if (!text) return std::optional<int>();
  auto value = ParseCount(*text, name);
  if (!value) return value.error();
  return std::optional<int>(*value);
}

}  // namespace

void AddRankOptions(CLI::App* command, RankOptions& o) {
  command->add_option("--rank", o.rank,
                      "this process's rank, 0 to world size - 1 (default: $RANK); rank 0 writes "
                      "the results");
  command->add_option("--world-size", o.world_size,
                      "ranks in the run, each holding a slice of the replicas (default: "
                      "$WORLD_SIZE, else 1); tools/launch starts them on one machine");
  command->add_option("--rendezvous", o.rendezvous,
                      "HOST:PORT where rank 0 serves the rendezvous (default: "
                      "$MASTER_ADDR:$MASTER_PORT, else 127.0.0.1:29500)");
  command
      ->add_option("--rank-timeout-s", o.timeout_s,
                   "seconds a rank waits for the others to join, or for any one message, "
                   "before the run stops (default 300)")
      ->check(CLI::Range(1.0, 86400.0));
}

Result<std::optional<trainers::RankSpec>> ResolveRankSpec(const RankOptions& o) {
  trainers::RankSpec spec;
  spec.timeout_s = o.timeout_s;
  auto world = FlagOrEnv(o.world_size, "WORLD_SIZE");
  if (!world) return world.error();
  spec.world_size = world->value_or(1);
  if (spec.world_size < 1)
    return ConfigError{o.world_size ? "--world-size" : "WORLD_SIZE", "", "a world size >= 1"};
  if (spec.world_size == 1 && !o.rank) return std::optional<trainers::RankSpec>();
  const std::string rank_source = o.rank ? "--rank" : "RANK";
  auto rank = FlagOrEnv(o.rank, "RANK");
  if (!rank) return rank.error();
  if (!*rank) {
    return ConfigError{"--rank", "",
                       "this process's rank (--rank or $RANK) with a world size of " +
                           std::to_string(spec.world_size)};
  }
  spec.rank = **rank;
  if (spec.rank >= spec.world_size) {
    return ConfigError{rank_source, "",
                       "a rank in [0, " + std::to_string(spec.world_size) + "), found " +
                           std::to_string(spec.rank)};
  }
  if (spec.world_size == 1) return std::optional<trainers::RankSpec>();
  std::string port_text = "29500", port_source = "--rendezvous";
  if (!o.rendezvous.empty()) {
    const std::size_t colon = o.rendezvous.rfind(':');
    if (colon == std::string::npos || colon == 0)
      return ConfigError{"--rendezvous", "", "HOST:PORT, found \"" + o.rendezvous + "\""};
    spec.address = o.rendezvous.substr(0, colon);
    port_text = o.rendezvous.substr(colon + 1);
  } else {
    if (auto address = Env("MASTER_ADDR")) spec.address = *address;
    if (auto port = Env("MASTER_PORT")) {
      port_text = *port;
      port_source = "MASTER_PORT";
    }
  }
  auto port = ParseCount(port_text, port_source);
  if (!port) return port.error();
  if (*port < 1 || *port > 65535)
    return ConfigError{port_source, "", "a port in [1, 65535], found " + port_text};
  spec.port = *port;
  return std::optional<trainers::RankSpec>(spec);
}

Result<std::shared_ptr<trainers::RankGroup>> JoinRanks(const trainers::RankSpec& spec) {
  try {
    return trainers::RankGroup::Join(spec);
  } catch (const trainers::TrainerError& e) {
    return ConfigError{"--rendezvous", "", std::string("ranks that meet: ") + e.what()};
  }
}

}  // namespace locosim::cli
