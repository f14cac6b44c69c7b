#include "sim/collectives/collective_by_name.h"

#include <algorithm>
#include <cassert>

#include "sim/collectives/grouping.h"

namespace locosim {

const std::vector<std::string>& CollectiveAlgorithms() {
  static const std::vector<std::string> names = {"ring", "halving-doubling", "tree", "gossip"};
  return names;
}

bool IsCollectiveAlgorithm(const std::string& name) {
  const auto& names = CollectiveAlgorithms();
  return std::find(names.begin(), names.end(), name) != names.end();
}

void StartCollective(const CollectiveSpec& spec, CollectiveSetup setup, RankDone on_rank_done) {
  if (spec.algorithm == "ring") {
    StartRingAllReduce(std::move(setup), std::move(on_rank_done));
  } else if (spec.algorithm == "halving-doubling") {
    StartHalvingDoubling(std::move(setup), std::move(on_rank_done));
  } else if (spec.algorithm == "tree") {
    StartBinomialTree(std::move(setup), std::move(on_rank_done));
  } else if (spec.algorithm == "exchange") {
    std::vector<int> everyone(setup.nodes.size());
    for (std::size_t r = 0; r < everyone.size(); ++r) everyone[r] = static_cast<int>(r);
    StartGroupExchange(std::move(setup), {everyone}, std::move(on_rank_done));
  } else {
    assert(spec.algorithm == "gossip");
    const int n = static_cast<int>(setup.nodes.size());
    auto groups = RoundGroups(spec.seed, spec.round, n, spec.group_size);
    StartGroupExchange(std::move(setup), std::move(groups), std::move(on_rank_done));
  }
}

CollectiveOutcome RunCollective(Simulation& sim, const std::vector<NodeIndex>& nodes,
                                const CollectiveSpec& spec) {
  CollectiveOutcome outcome;
  outcome.rank_done.assign(nodes.size(), SimTime());
  const SimTime start = sim.loop->now();
  StartCollective(spec, CollectiveSetup{*sim.network, *sim.loop, nodes, spec.bytes},
                  [&outcome, start](int rank, SimTime at) { outcome.rank_done[rank] = at - start; });
  sim.loop->run();
  outcome.completion = *std::max_element(outcome.rank_done.begin(), outcome.rank_done.end());
  outcome.channel_bytes = sim.network->channel_bytes();
  return outcome;
}

}  // namespace locosim
