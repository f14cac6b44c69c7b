// Collectives as transfers with dependencies: each algorithm decides which transfer may start
// once which others have delivered, and runs on any Network. Participants are numbered by
// rank 0..n-1 and placed on nodes; each rank's completion is reported separately, because
// the ranks of a collective do not all finish together and the time in between is exactly
// the idle time locosim measures.
#pragma once

#include <functional>
#include <vector>

#include "sim/core/event_loop.h"
#include "sim/core/units.h"
#include "sim/net/network.h"

namespace locosim {

// Called once per rank, from the event loop, when all of that rank's sends have been
// delivered and all it expects has been received.
using RankDone = std::function<void(int rank, SimTime done_at)>;

// Every collective's inputs: the network and clock to run on, the node of each rank, and
// the size of the buffer being reduced or exchanged.
struct CollectiveSetup {
  Network& network;
  EventLoop& loop;
  std::vector<NodeIndex> nodes;  // nodes[rank]; distinct
  Bytes bytes;
};

// Ring all-reduce: reduce-scatter then all-gather, 2(n-1) steps in which every rank sends a
// chunk of bytes/n to the next rank. A rank starts step s once its own step s-1 send has been
// delivered and it has received the previous rank's step s-1 chunk.
// Uncontended cost: 2(n-1)·α + 2(n-1)/n · M/B.
void StartRingAllReduce(CollectiveSetup setup, RankDone on_rank_done);

// Recursive halving-doubling (Rabenseifner): log2(p) pairwise exchanges of halving size, then
// log2(p) of doubling size, for p the largest power of two <= n. With n not a power of two,
// the n-p extra ranks first hand their whole buffer to a partner and get the result back at
// the end, adding 2(α + M/B). Uncontended cost for n = p: 2·log2(n)·α + 2(n-1)/n · M/B.
void StartHalvingDoubling(CollectiveSetup setup, RankDone on_rank_done);

// Binomial-tree reduce to rank 0, then binomial-tree broadcast from it, unpipelined: every
// message carries the whole buffer and a node sends one message at a time (largest subtree
// first). Uncontended cost for n a power of two: 2·log2(n)·(α + M/B).
void StartBinomialTree(CollectiveSetup setup, RankDone on_rank_done);

// Exchange within groups: every member sends `bytes` to every other member of its group, all
// at once (for a pair: a full-duplex swap, cost α + M/B uncontended). `groups` hold ranks;
// each rank in at most one group; ranks in no group are not reported.
void StartGroupExchange(CollectiveSetup setup, std::vector<std::vector<int>> groups,
                        RankDone on_rank_done);

}  // namespace locosim
