// The messages ranks exchange (torch-level; private to trainers/): tensors sent point to
// point through ProcessGroupGloo, each pair of ranks keeping its own order. Every exchange is
// posted whole (all sends and receives) before any is waited for, so ranks that send to each
// other at once cannot deadlock.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "locosim/distributed/rank_group.h"

namespace locosim::trainers {

// One tensor to or from a peer rank. A receive names a contiguous tensor of the size and type
// the peer sends (both sides compute it from what they share: the group and the model).
struct RankMessage {
  int peer = 0;
  torch::Tensor tensor;
};

// Posts every send and receive, then waits for them all. Throws RankLost naming the peer
// whose message failed (it exited, or sent nothing for the spec's timeout).
void ExchangeMessages(RankGroup& ranks, const std::vector<RankMessage>& sends,
                      const std::vector<RankMessage>& receives);

// Tensors packed into one flat fp32 tensor (on the CPU) and back: a message per peer, not per
// tensor. Unpack returns views into `flat`, shaped as `like`, starting at element `offset`.
torch::Tensor PackFlat(const std::vector<torch::Tensor>& tensors);
std::vector<torch::Tensor> UnpackFlat(const torch::Tensor& flat, std::int64_t offset,
                                      const std::vector<torch::Tensor>& like);

}  // namespace locosim::trainers
