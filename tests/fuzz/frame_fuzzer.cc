// The real transport's frame reader (sim/net/real/frame.h): arbitrary bytes, cut into
// arbitrary pieces. Besides not crashing: it never holds more than one header of the
// input (no allocation follows a length), the frames it completes are the same however the
// bytes are cut, and it reports an error rather than a frame whose length is above the
// maximum.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sim/net/real/frame.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

using locosim::real::FrameHeader;
using locosim::real::FrameReader;

constexpr std::uint64_t kMax = 1 << 20;

struct Outcome {
  std::vector<FrameHeader> frames;
  bool failed = false;
};

// The first byte chooses the piece sizes; the rest is the stream.
Outcome Read(std::span<const std::uint8_t> stream, std::size_t piece) {
  FrameReader reader(kMax);
  Outcome out;
  for (std::size_t at = 0; at < stream.size(); at += piece) {
    const auto got = reader.Feed(stream.subspan(at, std::min(piece, stream.size() - at)));
    for (const FrameHeader& f : got) {
      FUZZ_CHECK(f.length <= kMax);
      out.frames.push_back(f);
    }
    if (reader.error()) {
      FUZZ_CHECK(!reader.error()->empty());
      out.failed = true;
      FUZZ_CHECK(reader.Feed(stream.subspan(at)).empty());  // stays stopped
      break;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> stream(data + 1, size - 1);
  const Outcome whole = Read(stream, stream.size() + 1);
  const Outcome pieces = Read(stream, 1 + data[0] % 23);
  FUZZ_CHECK(whole.failed == pieces.failed);
  FUZZ_CHECK(whole.frames.size() == pieces.frames.size());
  for (std::size_t i = 0; i < whole.frames.size(); ++i) {
    FUZZ_CHECK(whole.frames[i].sequence == i);
    FUZZ_CHECK(whole.frames[i].length == pieces.frames[i].length);
  }
  return 0;
}
