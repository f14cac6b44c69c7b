#include "sim/collectives/grouping.h"

#include "sim/core/rng.h"

namespace locosim {

std::vector<std::vector<int>> StridedGroups(const std::vector<int>& perm, int group_size) {
  const int n = static_cast<int>(perm.size());
  const int count = n / group_size;
  if (count == 0) return {perm};
  std::vector<std::vector<int>> groups(count);
  for (int k = 0; k < count; ++k) {
    for (int j = 0; j < group_size; ++j) groups[k].push_back(perm[k + j * count]);
  }
  for (int i = count * group_size; i < n; ++i)
    groups[(i - count * group_size) % count].push_back(perm[i]);
  return groups;
}

std::vector<std::vector<int>> RoundGroups(std::uint64_t seed, std::uint64_t round, int n_ranks,
                                          int group_size) {
  Rng rng = Rng::Stream(seed, "groups", round);
  return StridedGroups(rng.permutation(n_ranks), group_size);
}

}  // namespace locosim
