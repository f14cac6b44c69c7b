#include "sim/config/site_matrix_csv.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

namespace locosim {
namespace {

constexpr std::size_t kMostSites = 1000;

std::string Trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) cells.push_back(Trim(cell));
  if (!line.empty() && line.back() == ',') cells.push_back("");
  return cells;
}

// The multiplier from the header's unit to SI, or 0 when the header names no known unit.
double UnitScale(const std::string& header, SiteQuantity quantity) {
  static const std::map<std::string, double> latency = {{"rtt_s", 0.5},       {"rtt_ms", 0.5e-3},
                                                        {"rtt_us", 0.5e-6},   {"one_way_s", 1.0},
                                                        {"one_way_ms", 1e-3}, {"one_way_us", 1e-6}};
  static const std::map<std::string, double> bandwidth = {
      {"bandwidth_Kbps", 1e3}, {"bandwidth_Mbps", 1e6}, {"bandwidth_Gbps", 1e9}};
  const auto& units = quantity == SiteQuantity::kLatency ? latency : bandwidth;
  const auto it = units.find(header);
  return it == units.end() ? 0 : it->second;
}

std::string At(std::size_t row, std::size_t column) {
  return "row " + std::to_string(row) + ", column " + std::to_string(column);
}

}  // namespace

Result<SiteMatrix> ParseSiteMatrix(const std::string& text, const std::string& file,
                                   SiteQuantity quantity) {
  const bool is_latency = quantity == SiteQuantity::kLatency;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> line_numbers;
  std::stringstream in(text);
  std::size_t line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (Trim(line).empty()) continue;
    rows.push_back(Cells(line));
    line_numbers.push_back(line_number);
  }
  if (rows.empty()) return ConfigError{file, "", "a header row such as \"rtt_ms,site-a,site-b\""};
  const std::vector<std::string>& header = rows[0];
  const double scale = UnitScale(header[0], quantity);
  if (scale == 0) {
    return ConfigError{file, At(line_numbers[0], 1),
                       is_latency ? "a top-left cell naming the unit: rtt_ms, rtt_us, rtt_s, "
                                    "one_way_ms, one_way_us or one_way_s, found \"" +
                                        header[0] + "\""
                                  : "a top-left cell naming the unit: bandwidth_Kbps, "
                                    "bandwidth_Mbps or bandwidth_Gbps, found \"" +
                                        header[0] + "\""};
  }
  SiteMatrix m;
  for (std::size_t c = 1; c < header.size(); ++c) {
    if (header[c].empty()) return ConfigError{file, At(line_numbers[0], c + 1), "a site name"};
    for (const std::string& seen : m.sites) {
      if (seen == header[c]) {
        return ConfigError{file, At(line_numbers[0], c + 1),
                           "a site named once, found \"" + header[c] + "\" twice"};
      }
    }
    m.sites.push_back(header[c]);
  }
  const std::size_t n = m.sites.size();
  if (n < 2 || n > kMostSites) {
    return ConfigError{file, At(line_numbers[0], 1),
                       "between 2 and " + std::to_string(kMostSites) + " sites in the header row"};
  }
  if (rows.size() != n + 1) {
    return ConfigError{file, "",
                       "one row per site: " + std::to_string(n) + " sites in the header, " +
                           std::to_string(rows.size() - 1) + " rows below it"};
  }
  std::vector<std::vector<double>> given(n, std::vector<double>(n, NAN));
  for (std::size_t i = 0; i < n; ++i) {
    const std::vector<std::string>& row = rows[i + 1];
    const std::size_t line = line_numbers[i + 1];
    if (row[0] != m.sites[i]) {
      return ConfigError{
          file, At(line, 1),
          "the site \"" + m.sites[i] + "\" (rows in the header's order), found \"" + row[0] + "\""};
    }
    if (row.size() != n + 1) {
      const std::size_t column = row.size() < n + 1 ? row.size() + 1 : n + 2;  // missing or extra
      return ConfigError{
          file, At(line, column),
          std::to_string(n + 1) + " cells, as the header has, found " + std::to_string(row.size())};
    }
    for (std::size_t j = 0; j < n; ++j) {
      const std::string& cell = row[j + 1];
      if (cell.empty()) continue;
      double v = 0;
      const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
      const bool number =
          error == std::errc() && end == cell.data() + cell.size() && std::isfinite(v);
      const std::string pair = " (" + m.sites[i] + " to " + m.sites[j] + ")";
      if (i == j) {
        if (!number || v != 0) {
          return ConfigError{file, At(line, j + 2), "an empty or 0 diagonal cell" + pair};
        }
        continue;
      }
      if (!number || v < 0 || (!is_latency && v == 0)) {
        return ConfigError{file, At(line, j + 2),
                           (is_latency ? std::string("a latency >= 0 in the header's unit")
                                       : std::string("a bandwidth > 0 in the header's unit")) +
                               pair + ", found \"" + cell + "\""};
      }
      given[i][j] = v * scale;
    }
  }
  m.values.assign(n, std::vector<double>(n, 0.0));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double a = given[i][j], b = given[j][i];
      const std::string where = At(line_numbers[i + 1], j + 2);
      if (std::isnan(a) && std::isnan(b)) {
        return ConfigError{
            file, where,
            "a value for " + m.sites[i] + " to " + m.sites[j] + " (in this cell or its mirror)"};
      }
      if (!std::isnan(a) && !std::isnan(b) && std::abs(a - b) > 1e-9 * std::max(a, b)) {
        return ConfigError{file, where,
                           "the same value as its mirror, " + At(line_numbers[j + 1], i + 2) +
                               " (links are full duplex, with one latency and bandwidth)"};
      }
      m.values[i][j] = m.values[j][i] = std::isnan(a) ? b : a;
    }
  }
  return m;
}

Result<SiteMatrix> ReadSiteMatrixFile(const std::string& path, SiteQuantity quantity) {
  std::ifstream in(path);
  if (!in) return ConfigError{path, "", "a readable CSV file"};
  std::stringstream text;
  text << in.rdbuf();
  return ParseSiteMatrix(text.str(), path, quantity);
}

}  // namespace locosim
