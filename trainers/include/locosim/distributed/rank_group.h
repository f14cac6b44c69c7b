// The ranks of one run spread over several processes (or hosts), the way torchrun starts
// them: each process is one rank of world_size, and they meet at a rendezvous address. Behind
// it: c10d's TCPStore for the rendezvous and ProcessGroupGloo for the messages, from LibTorch
// itself. Torch-free, so the command line can hold one; the messages ranks exchange are in
// trainers/distributed/rank_messages.h.
#pragma once

#include <memory>
#include <string>

#include "locosim/trainers/error.h"

namespace locosim::trainers {

struct RankSpec {
  int rank = 0;
  int world_size = 1;
  std::string address = "127.0.0.1";  // rank 0's host: it serves the rendezvous store
  int port = 29500;
  // How long a rank waits for the others to join, and for any one message, before it gives
  // up: a rank that hangs (or a host that vanishes without closing its sockets) ends the run
  // after this long. A rank that exits is noticed at once.
  double timeout_s = 300;
};

// A message with a peer failed: the peer exited, its host vanished, or it sent nothing for
// the timeout. what() names the rank; the run cannot go on without it.
class RankLost : public TrainerError {
 public:
  RankLost(int rank, const std::string& message) : TrainerError(message), rank_(rank) {}
  int rank() const { return rank_; }

 private:
  int rank_;
};

class RankGroup {
 public:
  // Joins the rendezvous of `spec` and connects to every other rank; returns when all of
  // world_size have joined. Throws TrainerError on a bad spec, a port that cannot be served,
  // a LibTorch without Gloo, or when not every rank joined within the timeout.
  static std::shared_ptr<RankGroup> Join(const RankSpec& spec);
  ~RankGroup();
  RankGroup(const RankGroup&) = delete;
  RankGroup& operator=(const RankGroup&) = delete;

  int rank() const;
  int world_size() const;
  const RankSpec& spec() const;

  struct Impl;  // defined in trainers/distributed/rank_messages.h
  Impl& impl() { return *impl_; }

 private:
  explicit RankGroup(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Returns if every rank passes the same `text`; else throws TrainerError naming the first rank
// whose differs (`what` says what the text is, for the message). Throws RankLost if a rank
// is gone.
void CheckSameOnEveryRank(RankGroup& ranks, const std::string& text, const std::string& what);

// Replicas [first, first + count) of `replicas` belong to `rank` of `world_size`: contiguous
// slices as even as they go, the first ranks taking one more where the division is not exact.
struct ReplicaSlice {
  int first = 0;
  int count = 0;
  bool contains(int replica) const { return replica >= first && replica < first + count; }
};
ReplicaSlice SliceOf(int replicas, int world_size, int rank);
// The rank that owns `replica`.
int OwnerOf(int replica, int replicas, int world_size);

}  // namespace locosim::trainers
