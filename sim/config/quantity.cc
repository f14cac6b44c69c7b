#include "sim/config/quantity.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

namespace locosim {
namespace {

struct UnitScale {
  std::string_view unit;
  double scale;
};

// Splits "12.5ms" into 12.5 and "ms" and looks the unit up; nullopt on any malformation.
std::optional<double> ParseWithUnit(std::string_view text, std::initializer_list<UnitScale> units) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  if (!std::isfinite(number)) return std::nullopt;
  for (const auto& u : units) {
    if (unit == u.unit) return number * u.scale;
  }
  return std::nullopt;
}

std::string Trimmed(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

}  // namespace

std::optional<BitsPerSecond> ParseRate(std::string_view text) {
  const auto v = ParseWithUnit(
      text,
      {{"bps", 1}, {"Kbps", 1e3}, {"kbps", 1e3}, {"Mbps", 1e6}, {"Gbps", 1e9}, {"Tbps", 1e12}});
  if (!v || *v <= 0) return std::nullopt;
  return BitsPerSecond(*v);
}

std::optional<SimTime> ParseDuration(std::string_view text) {
  const auto v =
      ParseWithUnit(text, {{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1}, {"min", 60}});
  if (!v || *v < 0 || *v > 9e9) return std::nullopt;
  return Seconds(*v);
}

std::optional<Bytes> ParseBytes(std::string_view text) {
  const auto v = ParseWithUnit(text, {{"B", 1},
                                      {"KB", 1e3},
                                      {"kB", 1e3},
                                      {"MB", 1e6},
                                      {"GB", 1e9},
                                      {"TB", 1e12},
                                      {"KiB", 1024.0},
                                      {"MiB", 1048576.0},
                                      {"GiB", 1073741824.0},
                                      {"TiB", 1099511627776.0}});
  if (!v || *v < 0 || *v > 9e18) return std::nullopt;
  return Bytes(std::llround(*v));
}

std::string FormatRate(BitsPerSecond rate) {
  // The largest unit in which the rate is a whole number, so that it parses back exactly.
  const double b = rate.bps();
  if (b >= 1e9 && std::fmod(b, 1e9) == 0) return Trimmed(b / 1e9) + "Gbps";
  if (b >= 1e6 && std::fmod(b, 1e6) == 0) return Trimmed(b / 1e6) + "Mbps";
  if (b >= 1e3 && std::fmod(b, 1e3) == 0) return Trimmed(b / 1e3) + "Kbps";
  return Trimmed(b) + "bps";
}

std::string FormatDuration(SimTime t) {
  const std::int64_t ns = t.nanoseconds();
  if (ns != 0 && ns % 1000000 == 0) return std::to_string(ns / 1000000) + "ms";
  if (ns != 0 && ns % 1000 == 0) return std::to_string(ns / 1000) + "us";
  return std::to_string(ns) + "ns";
}

std::string FormatBytes(Bytes b) { return std::to_string(b.count()) + "B"; }

}  // namespace locosim
