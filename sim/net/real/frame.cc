#include "sim/net/real/frame.h"

#include <algorithm>

namespace locosim::real {
namespace {

void PutBigEndian(std::uint8_t* out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(value & 0xff);
    value >>= 8;
  }
}

std::uint64_t GetBigEndian(const std::uint8_t* in, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | in[i];
  return value;
}

}  // namespace

std::array<std::uint8_t, kFrameHeaderBytes> EncodeFrameHeader(const FrameHeader& header) {
  std::array<std::uint8_t, kFrameHeaderBytes> out{};
  PutBigEndian(out.data(), kFrameMagic, 4);
  PutBigEndian(out.data() + 4, header.sequence, 4);
  PutBigEndian(out.data() + 8, header.length, 8);
  return out;
}

void FrameReader::ParseHeader() {
  const auto magic = static_cast<std::uint32_t>(GetBigEndian(header_.data(), 4));
  current_.sequence = static_cast<std::uint32_t>(GetBigEndian(header_.data() + 4, 4));
  current_.length = GetBigEndian(header_.data() + 8, 8);
  if (magic != kFrameMagic) {
    error_ = "not a locosim frame (bad magic)";
  } else if (current_.sequence != next_sequence_) {
    error_ = "frame " + std::to_string(current_.sequence) + " where " +
             std::to_string(next_sequence_) + " was expected";
  } else if (current_.length > max_length_) {
    error_ = "a frame of " + std::to_string(current_.length) + " bytes, above the maximum of " +
             std::to_string(max_length_);
  }
  header_filled_ = 0;
  if (error_) return;
  ++next_sequence_;
  in_payload_ = true;
  payload_left_ = current_.length;
}

std::vector<FrameHeader> FrameReader::Feed(std::span<const std::uint8_t> bytes) {
  std::vector<FrameHeader> done;
  std::size_t at = 0;
  while (!error_ && (at < bytes.size() || (in_payload_ && payload_left_ == 0))) {
    if (in_payload_) {
      const std::uint64_t take = std::min<std::uint64_t>(payload_left_, bytes.size() - at);
      payload_left_ -= take;
      at += static_cast<std::size_t>(take);
      if (payload_left_ == 0) {
        in_payload_ = false;
        done.push_back(current_);
      }
      continue;
    }
    const std::size_t take = std::min(kFrameHeaderBytes - header_filled_, bytes.size() - at);
    std::copy_n(bytes.data() + at, take, header_.data() + header_filled_);
    header_filled_ += take;
    at += take;
    if (header_filled_ == kFrameHeaderBytes) ParseHeader();
  }
  return done;
}

}  // namespace locosim::real
