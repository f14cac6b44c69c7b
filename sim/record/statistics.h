// Summary statistics over samples, as reported in summary.json.
#pragma once

#include <vector>

namespace locosim {

struct Distribution {
  double mean = 0;
  double p50 = 0;
  double p99 = 0;
  double max = 0;
  int count = 0;
};

// Percentiles interpolate linearly between order statistics (numpy's default). An empty
// sample gives all zeros and count 0.
Distribution Summarize(std::vector<double> samples);
double Percentile(const std::vector<double>& sorted, double q);

}  // namespace locosim
