#include "tools/sweep/sweep_grid.h"

#include <cstdio>

namespace locosim::sweep {
namespace {

// Characters that are safe in a folder name on any file system we expect.
std::string Sanitize(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '=' || c == '-';
    out += safe ? c : '_';
  }
  return out;
}

}  // namespace

std::optional<Axis> ParseAxis(const std::string& text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return std::nullopt;
  Axis axis{text.substr(0, eq), {}};
  std::string value;
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = eq + 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == '[' || c == '{')) ++depth;
    if (!quoted && (c == ']' || c == '}')) --depth;
    if (c == ',' && depth == 0 && !quoted) {
      axis.values.push_back(value);
      value.clear();
    } else {
      value += c;
    }
  }
  axis.values.push_back(value);
  for (const std::string& v : axis.values) {
    if (v.empty()) return std::nullopt;
  }
  return axis;
}

std::vector<Point> Grid(const std::vector<Axis>& axes) {
  std::vector<Point> points(1);
  for (const Axis& axis : axes) {
    std::vector<Point> next;
    for (const Point& p : points) {
      for (const std::string& v : axis.values) {
        Point q = p;
        q.values.push_back(v);
        q.overrides.push_back(axis.path + "=" + v);
        next.push_back(std::move(q));
      }
    }
    points = std::move(next);
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    Point& p = points[i];
    p.index = static_cast<int>(i);
    char prefix[32];
    std::snprintf(prefix, sizeof prefix, "p%02zu", i);
    p.folder = prefix;
    for (const std::string& o : p.overrides) p.folder += "-" + Sanitize(o);
  }
  return points;
}

}  // namespace locosim::sweep
