// Per-pair tables of sites, as cloud providers publish inter-region round-trip times, read
// from CSV for `locosim topology matrix` (docs/topology.md). The top-left cell names the
// quantity and its unit; the first row and column name the sites, in the same order:
//   rtt_ms,us-east,eu-west,ap-south
//   us-east,,75,190
//   eu-west,75,,120
//   ap-south,190,120,
// Latency tables: rtt_ms | rtt_us | rtt_s (round trip, halved into one-way link latency) or
// one_way_ms | one_way_us | one_way_s. Bandwidth tables: bandwidth_Kbps | _Mbps | _Gbps.
// The diagonal is empty or 0. A cell may be empty when its mirror is given; links are full
// duplex, so a pair's two cells, when both given, must agree.
#pragma once

#include <string>
#include <vector>

#include "sim/core/config_error.h"

namespace locosim {

enum class SiteQuantity { kLatency, kBandwidth };

struct SiteMatrix {
  std::vector<std::string> sites;
  // values[i][j] in SI units: one-way seconds, or bits per second; the diagonal is 0.
  std::vector<std::vector<double>> values;
};

// `text` is the file's content; `file` labels errors ("FILE: at row 3, column 4: expected ...").
Result<SiteMatrix> ParseSiteMatrix(const std::string& text, const std::string& file,
                                   SiteQuantity quantity);
Result<SiteMatrix> ReadSiteMatrixFile(const std::string& path, SiteQuantity quantity);

}  // namespace locosim
