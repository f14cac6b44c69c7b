#include <memory>

#include "sim/collectives/collective.h"

namespace locosim {
namespace {

class GroupExchange : public std::enable_shared_from_this<GroupExchange> {
 public:
  GroupExchange(CollectiveSetup setup, std::vector<std::vector<int>> groups, RankDone on_rank_done)
      : setup_(std::move(setup)),
        groups_(std::move(groups)),
        on_rank_done_(std::move(on_rank_done)),
        outstanding_(setup_.nodes.size(), 0) {}

  void Start() {
    for (const auto& group : groups_) {
      const int size = static_cast<int>(group.size());
      for (int member : group) outstanding_[member] = 2 * (size - 1);  // sends + receives
      if (size == 1) {
        setup_.loop.after(SimTime(), [self = shared_from_this(), member = group[0]] {
          self->on_rank_done_(member, self->setup_.loop.now());
        });
      }
    }
    for (const auto& group : groups_) {
      for (int from : group) {
        for (int to : group) {
          if (from == to) continue;
          setup_.network.transfer(setup_.nodes[from], setup_.nodes[to], setup_.bytes,
                                  [self = shared_from_this(), from, to] {
                                    self->Tick(from);
                                    self->Tick(to);
                                  });
        }
      }
    }
  }

 private:
  void Tick(int rank) {
    if (--outstanding_[rank] == 0) on_rank_done_(rank, setup_.loop.now());
  }

  CollectiveSetup setup_;
  std::vector<std::vector<int>> groups_;
  RankDone on_rank_done_;
  std::vector<int> outstanding_;  // transfers of this rank not yet delivered
};

}  // namespace

void StartGroupExchange(CollectiveSetup setup, std::vector<std::vector<int>> groups,
                        RankDone on_rank_done) {
  std::make_shared<GroupExchange>(std::move(setup), std::move(groups), std::move(on_rank_done))
      ->Start();
}

}  // namespace locosim
