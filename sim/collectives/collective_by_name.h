// Collectives by name, as the CLI, the scenario's methods and the benchmarks name them.
// Adding one means adding its files and one line in collective_by_name.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/collectives/collective.h"
#include "sim/net/simulation.h"

namespace locosim {

struct CollectiveSpec {
  std::string algorithm;  // one of CollectiveAlgorithms()
  Bytes bytes;
  std::uint64_t seed = 0;   // gossip only: which permutation forms the groups
  std::uint64_t round = 0;  // gossip only: which round's permutation
  int group_size = 2;       // gossip only
};

// "ring", "halving-doubling", "tree", "gossip", in that order.
const std::vector<std::string>& CollectiveAlgorithms();
bool IsCollectiveAlgorithm(const std::string& name);
// The ones that all-reduce one buffer over every rank (all but gossip): what DiLoCo, DDP and
// local SGD may name as their `algorithm`.
const std::vector<std::string>& AllReduceAlgorithms();

// REQUIRES: IsCollectiveAlgorithm(spec.algorithm). setup.bytes is what each rank sends.
void StartCollective(const CollectiveSpec& spec, CollectiveSetup setup, RankDone on_rank_done);

struct CollectiveOutcome {
  std::vector<SimTime> rank_done;     // per rank, measured from the start
  SimTime completion;                 // the last rank's
  std::vector<double> channel_bytes;  // per channel, payload bytes carried
  std::optional<NetworkStall> stall;  // the backend's watchdog stopped it (rank_done partial)
};

// Runs one collective from the simulation's current time to its end, or to a stall.
CollectiveOutcome RunCollective(Simulation& sim, const std::vector<NodeIndex>& nodes,
                                const CollectiveSpec& spec);

}  // namespace locosim
