// Seeded randomness that is identical on every platform and standard library. std::mt19937_64
// is fully specified, but std's distributions are not, so the draws are written out here.
// Seeds come only from the scenario; each purpose (data order, jitter, peer choice, ...) and
// each replica gets its own stream, so adding draws to one never shifts another.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

namespace locosim {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  // An independent stream for (seed, purpose, index), e.g. ("jitter", replica 7).
  static Rng Stream(std::uint64_t seed, std::string_view purpose, std::uint64_t index = 0);

  std::uint64_t bits() { return engine_(); }
  // Uniform integer in [0, n). REQUIRES: n > 0. Unbiased (rejection sampling).
  std::uint64_t below(std::uint64_t n);
  // Uniform double in [0, 1) with 53 random bits.
  double uniform();
  // Standard normal (Box-Muller; one draw of two uniforms per call, no cached spare).
  double normal();
  // exp(N(mu, sigma^2)).
  double lognormal(double mu, double sigma);
  // A uniformly random permutation of 0..n-1 (Fisher-Yates).
  std::vector<int> permutation(int n);

 private:
  std::mt19937_64 engine_;
};

// SplitMix64 finaliser: a good 64-bit mixing function for deriving seeds.
std::uint64_t MixSeed(std::uint64_t x);

}  // namespace locosim
