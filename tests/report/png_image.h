// Just enough PNG decoding (8-bit RGB or RGBA, not interlaced: what Chromium's --screenshot
// writes) to count pixels in a screenshot. zlib inflates; the filters are undone here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace locosim::testing {

struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;  // width × height × 3, row-major

  const std::uint8_t* at(int x, int y) const {
    return &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
  }
};

// nullopt (with `*error` set) for anything but an 8-bit RGB/RGBA non-interlaced PNG.
std::optional<Image> ReadPng(const std::string& path, std::string* error);

}  // namespace locosim::testing
