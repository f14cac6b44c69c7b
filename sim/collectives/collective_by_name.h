// Collectives chosen by name, as the CLI, the engine and the benchmarks name them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/collectives/collective.h"
#include "sim/net/network_factory.h"

namespace locosim {

struct CollectiveSpec {
  std::string algorithm;  // one of CollectiveAlgorithms()
  Bytes bytes;
  std::uint64_t seed = 0;  // gossip only: which permutation forms the pairs
  std::uint64_t round = 0;  // gossip only: which round's permutation
  int group_size = 2;      // gossip only
};

// "ring", "halving-doubling", "tree", "gossip".
const std::vector<std::string>& CollectiveAlgorithms();
bool IsCollectiveAlgorithm(const std::string& name);

// REQUIRES: IsCollectiveAlgorithm(spec.algorithm), or "exchange": every rank sends to every
// other (one group; what a NoLoCo group does once its members are known).
void StartCollective(const CollectiveSpec& spec, CollectiveSetup setup, RankDone on_rank_done);

struct CollectiveOutcome {
  std::vector<SimTime> rank_done;     // per rank, measured from the start
  SimTime completion;                 // the last rank's
  std::vector<double> channel_bytes;  // per channel, payload bytes carried
};

// Runs one collective from the simulation's current time to its end.
CollectiveOutcome RunCollective(Simulation& sim, const std::vector<NodeIndex>& nodes,
                                const CollectiveSpec& spec);

}  // namespace locosim
