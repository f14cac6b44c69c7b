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

std::vector<double> MaxMinSolver::Solve(std::span<const std::span<const int>> paths,
                                        std::span<const double> caps) {
  const int flows = static_cast<int>(paths.size());
  std::vector<double> rate(paths.size(), 0.0);
  std::vector<bool> frozen(paths.size(), false);
  for (int c : touched_) {
    flows_on_[c].clear();
    unfrozen_[c] = 0;
  }
  touched_.clear();
  for (int f = 0; f < flows; ++f) {
    for (int c : paths[f]) {
      if (flows_on_[c].empty()) {
        touched_.push_back(c);
        left_[c] = capacity_[c];
      }
      flows_on_[c].push_back(f);
      ++unfrozen_[c];
    }
  }

  // Fast path for the common uncontended case: a flow alone on every channel it crosses
  // runs at the smaller of its cap and its channels' capacities.
  for (int f = 0; f < flows; ++f) {
    bool alone = true;
    double smallest = caps[f];
    for (int c : paths[f]) {
      alone = alone && unfrozen_[c] == 1;
      smallest = std::min(smallest, capacity_[c]);
    }
    if (!alone) continue;
    frozen[f] = true;
    rate[f] = smallest;
    for (int c : paths[f]) unfrozen_[c] = 0;
  }

  // Min-heap of (level, id): id >= 0 is a channel's fair share, id < 0 is flow ~id's cap.
  // Channel entries go stale when the channel's share changes; a popped entry is used only
  // if it still matches the channel's current share.
  using Entry = std::pair<double, int>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  auto share = [&](int c) { return std::max(0.0, left_[c]) / unfrozen_[c]; };
  for (int c : touched_) {
    if (unfrozen_[c] > 0) heap.push({share(c), c});
  }
  for (int f = 0; f < flows; ++f) {
    if (!frozen[f]) heap.push({caps[f], ~f});
  }

  auto freeze = [&](int f, double level, int saturated) {
    frozen[f] = true;
    rate[f] = level;
    for (int other : paths[f]) {
      left_[other] -= level;
      if (--unfrozen_[other] > 0 && other != saturated) heap.push({share(other), other});
    }
  };
  while (!heap.empty()) {
    const auto [level, id] = heap.top();
    heap.pop();
    if (id < 0) {
      if (!frozen[~id]) freeze(~id, level, -1);
      continue;
    }
    if (unfrozen_[id] == 0 || level != share(id)) continue;
    for (int f : flows_on_[id]) {
      if (!frozen[f]) freeze(f, level, id);
    }
  }
  return rate;
}

}  // namespace locosim
