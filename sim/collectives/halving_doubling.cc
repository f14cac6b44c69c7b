#include <memory>

#include "sim/collectives/collective.h"

namespace locosim {
namespace {

class HalvingDoubling : public std::enable_shared_from_this<HalvingDoubling> {
 public:
  HalvingDoubling(CollectiveSetup setup, RankDone on_rank_done)
      : setup_(std::move(setup)), on_rank_done_(std::move(on_rank_done)) {
    n_ = static_cast<int>(setup_.nodes.size());
    p_ = 1;
    while (p_ * 2 <= n_) p_ *= 2;
    for (int q = p_; q > 1; q /= 2) ++log_p_;
    steps_ = 2 * log_p_;
    next_step_.assign(p_, 0);
    sent_.assign(p_, 0);
    got_.assign(p_, std::vector<bool>(steps_, false));
    folded_in_.assign(p_, false);
  }

  void Start() {
    if (n_ == 1) {
      setup_.loop.after(SimTime(), [self = shared_from_this()] {
        self->on_rank_done_(0, self->setup_.loop.now());
      });
      return;
    }
    // Extra ranks p..n-1 hand their whole buffer to rank - p first.
    for (int extra = p_; extra < n_; ++extra) {
      Send(extra, extra - p_, setup_.bytes, [this, extra] {
        folded_in_[extra - p_] = true;
        TryStep(extra - p_);
      });
    }
    for (int rank = 0; rank < p_; ++rank) TryStep(rank);
  }

 private:
  bool HasExtra(int rank) const { return rank + p_ < n_; }

  // Step t < log p halves (partner at distance p/2, p/4, .., 1; sizes M/2, .., M/p); step
  // t >= log p doubles back (distance 1, .., p/2; sizes M/p, .., M/2).
  int Partner(int rank, int step) const {
    const int distance = step < log_p_ ? p_ >> (step + 1) : 1 << (step - log_p_);
    return rank ^ distance;
  }
  Bytes StepBytes(int step) const {
    const int halvings = step < log_p_ ? step + 1 : steps_ - step;
    return Bytes(setup_.bytes.count() >> halvings);
  }

  void TryStep(int rank) {
    const int step = next_step_[rank];
    if (step == steps_ || sent_[rank] < step) return;
    if (step == 0 ? (HasExtra(rank) && !folded_in_[rank]) : !got_[rank][step - 1]) return;
    ++next_step_[rank];
    const int partner = Partner(rank, step);
    Send(rank, partner, StepBytes(step), [this, rank, partner, step] {
      ++sent_[rank];
      got_[partner][step] = true;
      Progress(rank);
      Progress(partner);
    });
  }

  void Progress(int rank) {
    TryStep(rank);
    if (sent_[rank] != steps_ || !got_[rank][steps_ - 1]) return;
    ++sent_[rank];  // finish once
    if (!HasExtra(rank)) {
      on_rank_done_(rank, setup_.loop.now());
      return;
    }
    // Hand the result back to the extra rank; both are done when it arrives.
    Send(rank, rank + p_, setup_.bytes, [this, rank] {
      on_rank_done_(rank, setup_.loop.now());
      on_rank_done_(rank + p_, setup_.loop.now());
    });
  }

  // Every callback holds the collective alive until the transfer is delivered.
  void Send(int from, int to, Bytes bytes, std::function<void()> then) {
    setup_.network.transfer(setup_.nodes[from], setup_.nodes[to], bytes,
                            [self = shared_from_this(), then = std::move(then)] { then(); });
  }

  CollectiveSetup setup_;
  RankDone on_rank_done_;
  int n_ = 0;
  int p_ = 1;
  int log_p_ = 0;
  int steps_ = 0;
  std::vector<int> next_step_;          // per rank < p
  std::vector<int> sent_;               // own step sends delivered
  std::vector<std::vector<bool>> got_;  // got_[rank][step]: partner's step message arrived
  std::vector<bool> folded_in_;         // the extra rank's buffer has arrived
};

}  // namespace

void StartHalvingDoubling(CollectiveSetup setup, RankDone on_rank_done) {
  std::make_shared<HalvingDoubling>(std::move(setup), std::move(on_rank_done))->Start();
}

}  // namespace locosim
