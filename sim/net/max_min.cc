#include "sim/net/max_min.h"

#include <algorithm>
#include <queue>
#include <utility>

namespace locosim {

MaxMinSolver::MaxMinSolver(std::vector<double> capacity_bps)
    : capacity_(std::move(capacity_bps)),
      left_(capacity_.size()),
      unfrozen_(capacity_.size(), 0),
      flows_on_(capacity_.size()) {}

std::vector<double> MaxMinSolver::Solve(std::span<const std::span<const int>> paths) {
  std::vector<double> rate(paths.size(), 0.0);
  std::vector<bool> frozen(paths.size(), false);
  for (int c : touched_) {
    flows_on_[c].clear();
    unfrozen_[c] = 0;
  }
  touched_.clear();
  for (std::size_t f = 0; f < paths.size(); ++f) {
    for (int c : paths[f]) {
      if (flows_on_[c].empty()) {
        touched_.push_back(c);
        left_[c] = capacity_[c];
      }
      flows_on_[c].push_back(static_cast<int>(f));
      ++unfrozen_[c];
    }
  }

  // Fast path for the common uncontended case: a flow alone on every channel it crosses
  // runs at its path's smallest capacity.
  for (std::size_t f = 0; f < paths.size(); ++f) {
    bool alone = !paths[f].empty();
    double smallest = 0;
    for (int c : paths[f]) {
      alone = alone && unfrozen_[c] == 1;
      smallest = smallest == 0 ? capacity_[c] : std::min(smallest, capacity_[c]);
    }
    if (!alone) continue;
    frozen[f] = true;
    rate[f] = smallest;
    for (int c : paths[f]) unfrozen_[c] = 0;
  }

  // Min-heap of (fair share, channel). Entries go stale when a channel's share changes; a
  // popped entry is used only if it still matches the channel's current share.
  using Entry = std::pair<double, int>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  auto share = [&](int c) { return std::max(0.0, left_[c]) / unfrozen_[c]; };
  for (int c : touched_) {
    if (unfrozen_[c] > 0) heap.push({share(c), c});
  }

  while (!heap.empty()) {
    const auto [level, c] = heap.top();
    heap.pop();
    if (unfrozen_[c] == 0 || level != share(c)) continue;
    for (int f : flows_on_[c]) {
      if (frozen[f]) continue;
      frozen[f] = true;
      rate[f] = level;
      for (int other : paths[f]) {
        left_[other] -= level;
        if (--unfrozen_[other] > 0 && other != c) heap.push({share(other), other});
      }
    }
  }
  return rate;
}

}  // namespace locosim
