#include "locosim/data/sample_stream.h"

#include <sstream>

#include "locosim/trainers/error.h"

namespace locosim::trainers {
namespace {

// SplitMix64's finaliser.
std::uint64_t Mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace

std::uint64_t StreamSeed(std::uint64_t seed, std::string_view purpose, std::uint64_t index) {
  std::uint64_t h = 0xCBF29CE484222325ULL;  // FNV-1a of the purpose
  for (char c : purpose) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  return Mix(Mix(Mix(seed) ^ h) + index);
}

SampleStream::SampleStream(std::uint64_t seed, std::int64_t begin, std::int64_t end)
    : engine_(seed), begin_(begin), end_(end) {}

std::vector<std::int64_t> SampleStream::Next(int n) {
  const auto range = static_cast<std::uint64_t>(end_ - begin_);
  // Unbiased: reject draws from the last, incomplete copy of [0, range).
  const std::uint64_t limit = std::mt19937_64::max() - std::mt19937_64::max() % range;
  std::vector<std::int64_t> out(static_cast<std::size_t>(n));
  for (auto& index : out) {
    std::uint64_t x = engine_();
    while (x >= limit) x = engine_();
    index = begin_ + static_cast<std::int64_t>(x % range);
  }
  drawn_ += n;
  return out;
}

std::string SampleStream::SaveState() const {
  std::ostringstream out;
  out << drawn_ << ' ' << engine_;
  return out.str();
}

void SampleStream::RestoreState(const std::string& state) {
  std::istringstream in(state);
  std::int64_t drawn = 0;
  std::mt19937_64 engine;
  if (!(in >> drawn >> engine)) throw TrainerError("corrupt data-stream state in checkpoint");
  drawn_ = drawn;
  engine_ = engine;
}

}  // namespace locosim::trainers
