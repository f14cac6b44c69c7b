#include "sim/collectives/collective_by_name.h"

#include <algorithm>
#include <cassert>
#include <functional>

#include "sim/collectives/grouping.h"

namespace locosim {
namespace {

struct Algorithm {
  std::string name;
  bool all_reduce;
  std::function<void(const CollectiveSpec&, CollectiveSetup, RankDone)> start;
};

void StartGossip(const CollectiveSpec& spec, CollectiveSetup setup, RankDone on_rank_done) {
  const int n = static_cast<int>(setup.nodes.size());
  auto groups = RoundGroups(spec.seed, spec.round, n, spec.group_size);
  StartGroupExchange(std::move(setup), std::move(groups), std::move(on_rank_done));
}

// The algorithms that need nothing of the spec but the setup.
template <void (*Start)(CollectiveSetup, RankDone)>
void SetupOnly(const CollectiveSpec&, CollectiveSetup setup, RankDone on_rank_done) {
  Start(std::move(setup), std::move(on_rank_done));
}

// The registry: one line per collective.
const std::vector<Algorithm>& Algorithms() {
  static const std::vector<Algorithm> algorithms = {
      {"ring", true, SetupOnly<StartRingAllReduce>},
      {"halving-doubling", true, SetupOnly<StartHalvingDoubling>},
      {"tree", true, SetupOnly<StartBinomialTree>},
      {"gossip", false, StartGossip},
  };
  return algorithms;
}

std::vector<std::string> NamesWhere(bool all_reduce_only) {
  std::vector<std::string> names;
  for (const Algorithm& a : Algorithms()) {
    if (a.all_reduce || !all_reduce_only) names.push_back(a.name);
  }
  return names;
}

}  // namespace

const std::vector<std::string>& CollectiveAlgorithms() {
  static const std::vector<std::string> names = NamesWhere(false);
  return names;
}

const std::vector<std::string>& AllReduceAlgorithms() {
  static const std::vector<std::string> names = NamesWhere(true);
  return names;
}

bool IsCollectiveAlgorithm(const std::string& name) {
  const auto& names = CollectiveAlgorithms();
  return std::find(names.begin(), names.end(), name) != names.end();
}

void StartCollective(const CollectiveSpec& spec, CollectiveSetup setup, RankDone on_rank_done) {
  for (const Algorithm& a : Algorithms()) {
    if (a.name == spec.algorithm) return a.start(spec, std::move(setup), std::move(on_rank_done));
  }
  assert(false && "REQUIRES: IsCollectiveAlgorithm(spec.algorithm)");
}

CollectiveOutcome RunCollective(Simulation& sim, const std::vector<NodeIndex>& nodes,
                                const CollectiveSpec& spec) {
  CollectiveOutcome outcome;
  outcome.rank_done.assign(nodes.size(), SimTime());
  const SimTime start = sim.loop->now();
  StartCollective(
      spec, CollectiveSetup{*sim.network, *sim.loop, nodes, spec.bytes},
      [&outcome, start](int rank, SimTime at) { outcome.rank_done[rank] = at - start; });
  sim.loop->run();
  outcome.completion = *std::max_element(outcome.rank_done.begin(), outcome.rank_done.end());
  outcome.channel_bytes = sim.network->channel_bytes();
  if (const NetworkStall* stall = sim.network->stall()) outcome.stall = *stall;
  return outcome;
}

}  // namespace locosim
