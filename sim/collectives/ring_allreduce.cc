#include <memory>

#include "sim/collectives/collective.h"

namespace locosim {
namespace {

class RingAllReduce : public std::enable_shared_from_this<RingAllReduce> {
 public:
  RingAllReduce(CollectiveSetup setup, RankDone on_rank_done)
      : setup_(std::move(setup)),
        on_rank_done_(std::move(on_rank_done)),
        n_(static_cast<int>(setup_.nodes.size())),
        steps_(2 * (n_ - 1)),
        started_(n_, 0),
        sent_(n_, 0),
        received_(n_, 0) {}

  void Start() {
    if (n_ == 1) {
      setup_.loop.after(SimTime(), [self = shared_from_this()] {
        self->on_rank_done_(0, self->setup_.loop.now());
      });
      return;
    }
    for (int rank = 0; rank < n_; ++rank) TryStep(rank);
  }

 private:
  // Chunk c of the buffer: the remainder bytes go to the first chunks.
  Bytes ChunkBytes(int chunk) const {
    const std::int64_t m = setup_.bytes.count();
    return Bytes(m / n_ + (chunk < m % n_ ? 1 : 0));
  }

  void TryStep(int rank) {
    const int step = started_[rank];
    if (step == steps_ || sent_[rank] < step || received_[rank] < step) return;
    ++started_[rank];
    // Reduce-scatter step s sends chunk (rank - s); all-gather step s' sends (rank + 1 - s').
    const int phase_step = step < n_ - 1 ? step : step - (n_ - 1) - 1;
    const int chunk = ((rank - phase_step) % n_ + n_) % n_;
    const int next = (rank + 1) % n_;
    setup_.network.transfer(setup_.nodes[rank], setup_.nodes[next], ChunkBytes(chunk),
                            [self = shared_from_this(), rank] { self->Delivered(rank); });
  }

  void Delivered(int rank) {
    const int next = (rank + 1) % n_;
    ++sent_[rank];
    ++received_[next];
    ReportIfDone(rank);
    ReportIfDone(next);
    TryStep(rank);
    TryStep(next);
  }

  void ReportIfDone(int rank) {
    if (sent_[rank] == steps_ && received_[rank] == steps_) {
      ++sent_[rank];  // report once
      on_rank_done_(rank, setup_.loop.now());
    }
  }

  CollectiveSetup setup_;
  RankDone on_rank_done_;
  const int n_;
  const int steps_;
  std::vector<int> started_;   // steps begun, per rank
  std::vector<int> sent_;      // own sends delivered, per rank
  std::vector<int> received_;  // chunks received from the previous rank, in order
};

}  // namespace

void StartRingAllReduce(CollectiveSetup setup, RankDone on_rank_done) {
  std::make_shared<RingAllReduce>(std::move(setup), std::move(on_rank_done))->Start();
}

}  // namespace locosim
