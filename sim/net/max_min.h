// Max-min fair rates by progressive filling: raise every flow's rate together until some
// channel is full, freeze the flows crossing it, repeat. Each flow ends up limited by one
// saturated channel on its path on which no other flow gets more (Bertsekas & Gallager,
// "Data Networks", section 6.5.2).
#pragma once

#include <span>
#include <vector>

namespace locosim {

class MaxMinSolver {
 public:
  // Capacity of each channel, bits per second, all > 0.
  explicit MaxMinSolver(std::vector<double> capacity_bps);

  // paths[f] lists the channels flow f crosses (each at most once). Returns each flow's rate
  // in bits per second. Deterministic: ties between channels go to the lower index.
  // A flow with an empty path gets rate 0. Work: O(sum of path lengths * log channels).
  std::vector<double> Solve(std::span<const std::span<const int>> paths);

 private:
  std::vector<double> capacity_;
  // Scratch space kept between calls to avoid reallocation.
  std::vector<double> left_;
  std::vector<int> unfrozen_;
  std::vector<std::vector<int>> flows_on_;
  std::vector<int> touched_;
};

}  // namespace locosim
