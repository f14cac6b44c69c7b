// The real transport's frames: what is written reads back, in any cut; a wrong magic, a
// sequence out of order or a length above the maximum is an error, not an allocation; and a
// seeded stream of random bytes never yields a frame it should not.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "sim/net/real/frame.h"

namespace locosim::real {
namespace {

std::vector<std::uint8_t> Frame(std::uint32_t sequence, std::uint64_t length) {
  const auto header = EncodeFrameHeader({sequence, length});
  std::vector<std::uint8_t> out(header.begin(), header.end());
  out.resize(out.size() + length, 0xab);
  return out;
}

TEST(Frames, ReadBackWholeAndByteByByte) {
  std::vector<std::uint8_t> stream;
  for (std::uint32_t s = 0; s < 4; ++s) {
    const auto f = Frame(s, s * 1000);
    stream.insert(stream.end(), f.begin(), f.end());
  }
  for (std::size_t piece : {stream.size(), std::size_t(1), std::size_t(7)}) {
    FrameReader reader(1 << 20);
    std::vector<FrameHeader> got;
    for (std::size_t at = 0; at < stream.size(); at += piece) {
      const auto n = std::min(piece, stream.size() - at);
      for (const auto& f : reader.Feed(std::span(stream.data() + at, n))) got.push_back(f);
    }
    ASSERT_FALSE(reader.error()) << *reader.error();
    ASSERT_EQ(got.size(), 4u) << "piece " << piece;
    EXPECT_EQ(got[3].length, 3000u);
    EXPECT_TRUE(reader.at_boundary());
  }
}

TEST(Frames, AnOversizedLengthIsAnErrorAndNothingMoreIsRead) {
  FrameReader reader(1000);
  const auto header = EncodeFrameHeader({0, std::uint64_t(1) << 62});
  EXPECT_TRUE(reader.Feed(header).empty());
  ASSERT_TRUE(reader.error());
  EXPECT_NE(reader.error()->find("above the maximum of 1000"), std::string::npos);
  EXPECT_TRUE(reader.Feed(Frame(0, 1)).empty());
}

TEST(Frames, BadMagicAndSequenceOutOfOrderAreErrors) {
  FrameReader garbage(1000);
  const std::vector<std::uint8_t> zeros(32, 0);
  EXPECT_TRUE(garbage.Feed(zeros).empty());
  ASSERT_TRUE(garbage.error());
  EXPECT_NE(garbage.error()->find("bad magic"), std::string::npos);

  FrameReader skipped(1000);
  EXPECT_EQ(skipped.Feed(Frame(0, 5)).size(), 1u);
  EXPECT_TRUE(skipped.Feed(Frame(2, 5)).empty());
  ASSERT_TRUE(skipped.error());
  EXPECT_NE(skipped.error()->find("frame 2 where 1"), std::string::npos);
}

TEST(Frames, ATruncatedFrameIsNotComplete) {
  FrameReader reader(1000);
  const auto f = Frame(0, 100);
  EXPECT_TRUE(reader.Feed(std::span(f.data(), 50)).empty());
  EXPECT_FALSE(reader.at_boundary());
  EXPECT_FALSE(reader.error());
}

TEST(Frames, SeededRandomBytesNeverYieldAFrameAboveTheMaximum) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<std::uint8_t> bytes(rng() % 200);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    if (trial % 2 && bytes.size() >= 4) {  // half of them start like a frame
      const auto h = EncodeFrameHeader({0, rng() % 3000});
      std::copy(h.begin(), h.begin() + std::min(bytes.size(), h.size()), bytes.begin());
    }
    FrameReader reader(1000);
    for (const auto& f : reader.Feed(bytes)) EXPECT_LE(f.length, 1000u);
  }
}

}  // namespace
}  // namespace locosim::real
