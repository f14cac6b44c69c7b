// One replica's seeded stream of example indices: uniform with replacement over its range
// ([begin, end) of the training examples: all of them when iid, its slice when non-iid).
// The engine is std::mt19937_64 (fully specified by the standard) and the draw is written out
// here, so a stream is the same on every platform; its state saves to text for exact resume.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace locosim::trainers {

// A seed for (seed, purpose, index), e.g. ("data", replica 7): streams never overlap by accident.
std::uint64_t StreamSeed(std::uint64_t seed, std::string_view purpose, std::uint64_t index);

class SampleStream {
 public:
  // REQUIRES: begin < end.
  SampleStream(std::uint64_t seed, std::int64_t begin, std::int64_t end);

  // The next n indices, each uniform in [begin, end).
  std::vector<std::int64_t> Next(int n);

  std::int64_t begin() const { return begin_; }
  std::int64_t end() const { return end_; }
  std::int64_t drawn() const { return drawn_; }  // indices drawn so far (the data cursor)

  // The engine state and cursor as text, and back. Restore throws TrainerError on bad text.
  std::string SaveState() const;
  void RestoreState(const std::string& state);

 private:
  std::mt19937_64 engine_;
  std::int64_t begin_;
  std::int64_t end_;
  std::int64_t drawn_ = 0;
};

}  // namespace locosim::trainers
