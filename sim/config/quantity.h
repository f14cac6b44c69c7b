// Parsing of quantities written with their unit, as in topology and scenario files:
// "10Gbps", "100Mbps", "20ms", "150us", "1.5s", "64MiB", "1e9B". A bare number is rejected:
// the unit is what stops a user from mixing up bits and bytes or ms and s.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sim/core/units.h"

namespace locosim {

// bps, Kbps, Mbps, Gbps, Tbps (decimal; "kbps" accepted). Must be finite and > 0.
std::optional<BitsPerSecond> ParseRate(std::string_view text);
// ns, us, ms, s, min. Must be finite and >= 0.
std::optional<SimTime> ParseDuration(std::string_view text);
// B, KB, MB, GB, TB (decimal) and KiB, MiB, GiB, TiB (binary). Must be finite and >= 0.
std::optional<Bytes> ParseBytes(std::string_view text);

// Inverse, for writing files: the shortest exact form in a convenient unit.
std::string FormatRate(BitsPerSecond rate);
std::string FormatDuration(SimTime t);
std::string FormatBytes(Bytes b);

}  // namespace locosim
