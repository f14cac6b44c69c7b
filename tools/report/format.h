// Numbers as a reader wants them in tables: a few significant digits and a unit.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace locosim::report {

std::string FormatSeconds(double s);                 // "0.153 s", "12.4 s", "1.2e+03 s"
std::string FormatBytes(double bytes);               // "250 MB", "1.25 GB" (decimal units)
std::string FormatFraction(double f);                // "0.123"
std::string FormatNumber(double v);                  // "%.4g"
std::string FormatFixed(double v, int decimals);     // "%.<decimals>f"
std::string FormatLoss(std::optional<double> loss);  // "2.8713", or "-" when absent
std::string FormatOptionalSeconds(std::optional<double> s, const std::string& absent);
// Draws as "mean ± half-width" of their 95% interval (sim/record/statistics.h), with
// `decimals` digits; the mean alone for one draw; "-" for none.
std::string FormatMeanInterval(const std::vector<double>& draws, int decimals);

}  // namespace locosim::report
