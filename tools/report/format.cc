#include "tools/report/format.h"

#include <cmath>
#include <cstdio>

#include "sim/record/statistics.h"

namespace locosim::report {
namespace {
std::string Printf(const char* format, double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, v);
  return buffer;
}
}  // namespace

std::string FormatSeconds(double s) { return Printf("%.4g", s) + " s"; }

std::string FormatBytes(double b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (std::fabs(b) >= 1000 && u < 5) {
    b /= 1000;
    ++u;
  }
  return Printf("%.3g", b) + " " + units[u];
}

std::string FormatFraction(double f) { return Printf("%.3f", f); }
std::string FormatNumber(double v) { return Printf("%.4g", v); }
std::string FormatFixed(double v, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}
std::string FormatLoss(std::optional<double> loss) { return loss ? Printf("%.4f", *loss) : "-"; }
std::string FormatOptionalSeconds(std::optional<double> s, const std::string& absent) {
  return s ? FormatSeconds(*s) : absent;
}

std::string FormatMeanInterval(const std::vector<double>& draws, int decimals) {
  if (draws.empty()) return "-";
  const MeanInterval m = MeanWith95Interval(draws);
  char text[96];
  if (std::isfinite(m.half_width)) {
    std::snprintf(text, sizeof text, "%.*f ± %.*f", decimals, m.mean, decimals, m.half_width);
  } else {
    std::snprintf(text, sizeof text, "%.*f", decimals, m.mean);
  }
  return text;
}

}  // namespace locosim::report
