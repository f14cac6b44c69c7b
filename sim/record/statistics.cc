#include "sim/record/statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace locosim {

double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + (sorted[above] - sorted[below]) * fraction;
}

Distribution Summarize(std::vector<double> samples) {
  Distribution d;
  if (samples.empty()) return d;
  std::sort(samples.begin(), samples.end());
  d.count = static_cast<int>(samples.size());
  d.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / d.count;
  d.p50 = Percentile(samples, 0.50);
  d.p99 = Percentile(samples, 0.99);
  d.max = samples.back();
  return d;
}

}  // namespace locosim
