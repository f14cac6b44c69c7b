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
// The middle value (the mean of the two middle ones for an even count); NaN when empty.
double Median(std::vector<double> samples);

// The mean of independent draws with its 95% confidence interval, mean ± half_width, from
// Student's t with count − 1 degrees of freedom (the sample standard deviation, n − 1 in the
// denominator). Fewer than two draws give no interval: half_width is infinite.
struct MeanInterval {
  double mean = 0;
  double half_width = 0;
  int count = 0;
  double std_dev = 0;  // the sample standard deviation (0 for fewer than two draws)
};
MeanInterval MeanWith95Interval(const std::vector<double>& samples);

// Whether two samples' means differ at the 5% level by Welch's t-test (unequal variances,
// Welch-Satterthwaite degrees of freedom rounded down). False with fewer than two draws on a
// side; two constant samples differ exactly when their means do.
bool MeansDiffer95(const std::vector<double>& a, const std::vector<double>& b);

// The 97.5th percentile of Student's t with `df` ≥ 1 degrees of freedom (the two-sided 95%
// critical value): tabulated to 30, then the Cornish-Fisher expansion, within 0.01%.
double StudentT975(int df);

}  // namespace locosim
