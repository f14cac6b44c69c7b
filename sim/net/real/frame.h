// The real transport's wire format: each transfer is one frame, a 16-byte header (magic,
// sequence number, payload length, big-endian) and then the payload. The payload's content
// does not matter to a collective's timing, so the reader counts it and keeps none of it:
// memory stays bounded whatever a length claims, and a length above the agreed maximum, a
// wrong magic or a sequence number out of order is an error, not an allocation.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace locosim::real {

inline constexpr std::uint32_t kFrameMagic = 0x4C4F4353;  // "LOCS"
inline constexpr std::size_t kFrameHeaderBytes = 16;

struct FrameHeader {
  std::uint32_t sequence = 0;  // 0, 1, 2, ... per connection
  std::uint64_t length = 0;    // payload bytes that follow
};

std::array<std::uint8_t, kFrameHeaderBytes> EncodeFrameHeader(const FrameHeader& header);

// Reads a byte stream of frames in pieces of any size. Feed() returns the frames completed
// by those bytes, in order, or sets error() and stops reading (every later Feed() returns
// nothing).
class FrameReader {
 public:
  explicit FrameReader(std::uint64_t max_length) : max_length_(max_length) {}

  std::vector<FrameHeader> Feed(std::span<const std::uint8_t> bytes);

  const std::optional<std::string>& error() const { return error_; }
  // True between frames: no header or payload is partly read.
  bool at_boundary() const { return header_filled_ == 0 && !in_payload_; }

 private:
  void ParseHeader();

  std::uint64_t max_length_;
  std::array<std::uint8_t, kFrameHeaderBytes> header_{};
  std::size_t header_filled_ = 0;
  bool in_payload_ = false;
  FrameHeader current_;
  std::uint64_t payload_left_ = 0;
  std::uint32_t next_sequence_ = 0;
  std::optional<std::string> error_;
};

}  // namespace locosim::real
