#include <memory>

#include "sim/collectives/collective.h"

namespace locosim {
namespace {

// Rank r's parent is r minus its lowest set bit; its children are r + 2^j for every 2^j
// below that bit (any j for the root) with r + 2^j < n.
class BinomialTree : public std::enable_shared_from_this<BinomialTree> {
 public:
  BinomialTree(CollectiveSetup setup, RankDone on_rank_done)
      : setup_(std::move(setup)), on_rank_done_(std::move(on_rank_done)) {
    n_ = static_cast<int>(setup_.nodes.size());
    children_.resize(n_);
    for (int r = 0; r < n_; ++r) {
      for (int bit = 1; r + bit < n_ && (r == 0 || bit < (r & -r)); bit *= 2) {
        children_[r].push_back(r + bit);  // ascending: smallest subtree first
      }
    }
    waiting_for_.resize(n_);
    for (int r = 0; r < n_; ++r) waiting_for_[r] = static_cast<int>(children_[r].size());
  }

  void Start() {
    if (n_ == 1) {
      setup_.loop.after(SimTime(), [self = shared_from_this()] {
        self->on_rank_done_(0, self->setup_.loop.now());
      });
      return;
    }
    for (int r = 0; r < n_; ++r) {
      if (waiting_for_[r] == 0) Reduced(r);
    }
  }

 private:
  // All of r's subtree has been reduced into r: pass it up, or, at the root, turn around.
  void Reduced(int r) {
    if (r == 0) {
      Broadcast(0, static_cast<int>(children_[0].size()) - 1);
      return;
    }
    const int parent = r - (r & -r);
    Send(r, parent, [this, parent] {
      if (--waiting_for_[parent] == 0) Reduced(parent);
    });
  }

  // r forwards the result to its children from the largest subtree down, one at a time.
  void Broadcast(int r, int child_index) {
    if (child_index < 0) {
      on_rank_done_(r, setup_.loop.now());
      return;
    }
    const int child = children_[r][child_index];
    Send(r, child, [this, r, child, child_index] {
      Broadcast(child, static_cast<int>(children_[child].size()) - 1);
      Broadcast(r, child_index - 1);
    });
  }

  void Send(int from, int to, std::function<void()> then) {
    setup_.network.transfer(setup_.nodes[from], setup_.nodes[to], setup_.bytes,
                            [self = shared_from_this(), then = std::move(then)] { then(); });
  }

  CollectiveSetup setup_;
  RankDone on_rank_done_;
  int n_ = 0;
  std::vector<std::vector<int>> children_;
  std::vector<int> waiting_for_;  // children whose reduced buffer has not arrived yet
};

}  // namespace

void StartBinomialTree(CollectiveSetup setup, RankDone on_rank_done) {
  std::make_shared<BinomialTree>(std::move(setup), std::move(on_rank_done))->Start();
}

}  // namespace locosim
