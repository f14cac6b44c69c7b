// Max-min fair rates by progressive filling: raise every flow's rate together until some
// channel is full or some flow reaches its own cap, freeze the flows concerned, repeat. Each
// flow ends up limited by its cap or by one saturated channel on its path on which no other
// flow gets more (Bertsekas & Gallager, "Data Networks", section 6.5.2).
#pragma once

#include <span>
#include <vector>

namespace locosim {

class MaxMinSolver {
 public:
  // Capacity of each channel, bits per second, all > 0.
  explicit MaxMinSolver(std::vector<double> capacity_bps);

  // paths[f] lists the channels flow f crosses (each at most once); caps[f] bounds flow f's
  // rate (bits per second, > 0; pass the path's bottleneck when there is no other bound).
  // Returns each flow's rate. Deterministic: ties go to the lower channel, then flow index.
  // Work: O(sum of path lengths · log).
  std::vector<double> Solve(std::span<const std::span<const int>> paths,
                            std::span<const double> caps);

 private:
  std::vector<double> capacity_;
  // Scratch space kept between calls to avoid reallocation.
  std::vector<double> left_;
  std::vector<int> unfrozen_;
  std::vector<std::vector<int>> flows_on_;
  std::vector<int> touched_;
};

}  // namespace locosim
