// A sweep's grid: each --vary names a scenario field and its values; the grid is their
// cartesian product, each point a list of --set overrides on the base scenario.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace locosim::sweep {

struct Axis {
  std::string path;  // as for --set: "network.overrides.bandwidth", "methods[1].group_size"
  std::vector<std::string> values;  // as for --set: JSON when they parse as JSON, else strings
};

// "path=v1,v2,...". Commas inside brackets, braces or quotes do not split, so a value may
// be a JSON array ("inner_optimizer.betas=[0.9,0.95],[0.9,0.99]"). nullopt when there is no
// '=', the path is empty, or a value is empty.
std::optional<Axis> ParseAxis(const std::string& text);

struct Point {
  int index = 0;                       // 0-based, in grid order
  std::vector<std::string> values;     // one per axis
  std::vector<std::string> overrides;  // "path=value", one per axis
  std::string folder;                  // "p03-network.overrides.bandwidth=1Gbps-replicas=64"
};

// The cartesian product, the first axis varying slowest.
std::vector<Point> Grid(const std::vector<Axis>& axes);

}  // namespace locosim::sweep
