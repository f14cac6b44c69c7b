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

double Median(std::vector<double> samples) {
  if (samples.empty()) return NAN;
  std::sort(samples.begin(), samples.end());
  return Percentile(samples, 0.5);
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

double StudentT975(int df) {
  static constexpr double kTable[] = {
      12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
      2.2010,  2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
      2.0796,  2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
  if (df < 1) return INFINITY;
  if (df <= 30) return kTable[df - 1];
  const double z = 1.959963985, n = df;
  const double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
  return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n);
}

MeanInterval MeanWith95Interval(const std::vector<double>& samples) {
  MeanInterval m;
  m.count = static_cast<int>(samples.size());
  if (samples.empty()) return m;
  m.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / m.count;
  if (m.count < 2) {
    m.half_width = INFINITY;
    return m;
  }
  double squares = 0;
  for (double x : samples) squares += (x - m.mean) * (x - m.mean);
  const double sd = std::sqrt(squares / (m.count - 1));
  m.std_dev = sd;
  m.half_width = StudentT975(m.count - 1) * sd / std::sqrt(static_cast<double>(m.count));
  return m;
}

bool MeansDiffer95(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() < 2 || b.size() < 2) return false;
  const MeanInterval x = MeanWith95Interval(a), y = MeanWith95Interval(b);
  const double va = x.std_dev * x.std_dev / x.count, vb = y.std_dev * y.std_dev / y.count;
  if (va + vb == 0) return x.mean != y.mean;
  const double t = std::abs(x.mean - y.mean) / std::sqrt(va + vb);
  const double df = (va + vb) * (va + vb) / (va * va / (x.count - 1) + vb * vb / (y.count - 1));
  return t > StudentT975(std::max(1, static_cast<int>(std::floor(df))));
}

}  // namespace locosim
