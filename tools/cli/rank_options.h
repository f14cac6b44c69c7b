// `locosim run` as one rank of several: the flags, or the environment torchrun sets (RANK,
// WORLD_SIZE, MASTER_ADDR, MASTER_PORT), and joining the others.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "locosim/distributed/rank_group.h"
#include "sim/core/config_error.h"

namespace locosim::cli {

struct RankOptions {
  std::optional<int> rank;
  std::optional<int> world_size;
  std::string rendezvous;  // host:port
  double timeout_s = 300;
};

void AddRankOptions(CLI::App* command, RankOptions& options);

// The rank this process is to be: nullopt for a run in one process (no flags and no
// WORLD_SIZE, or a world of 1). The flags win over the environment. Bad or half-given
// settings are a ConfigError naming the flag or variable.
Result<std::optional<trainers::RankSpec>> ResolveRankSpec(const RankOptions& options);

// Joins the other ranks; a rendezvous that fails is a ConfigError naming --rendezvous.
Result<std::shared_ptr<trainers::RankGroup>> JoinRanks(const trainers::RankSpec& spec);

}  // namespace locosim::cli
