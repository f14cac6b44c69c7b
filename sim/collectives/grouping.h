// Groups formed without coordination, as NoLoCo forms them (docs/algorithms.md, NoLoCo step 1):
// every replica draws the same permutation from a stream seeded by the scenario seed and the
// round number, then takes strided groups G_k = {perm[k], perm[k + g], perm[k + 2g], ...}
// with g = N / n groups.
#pragma once

#include <cstdint>
#include <vector>

namespace locosim {

// Splits perm into strided groups of `group_size`. When N is not divisible, the N mod n
// ranks left over join groups 0, 1, ... in turn (so some groups have n + 1 members); when
// N < n, everyone forms one group. REQUIRES: group_size >= 1, perm non-empty.
std::vector<std::vector<int>> StridedGroups(const std::vector<int>& perm, int group_size);

// The groups of round `round` for n_ranks ranks under `seed`.
std::vector<std::vector<int>> RoundGroups(std::uint64_t seed, std::uint64_t round, int n_ranks,
                                          int group_size);

}  // namespace locosim
