// Command-line options that carry a unit ("1Gbps", "10ms"), checked with the same parsers as
// topology and scenario files, so a missing unit is an error on the command line too.
#pragma once

#include <optional>
#include <string>

#include "sim/config/quantity.h"
#include "sim/core/config_error.h"

namespace locosim::cli {

// Parses text for option `flag`; on failure stores a ConfigError in `error` (first one wins).
inline BitsPerSecond RateOption(const std::string& flag, const std::string& text,
                                std::optional<ConfigError>& error) {
  if (auto r = ParseRate(text)) return *r;
  if (!error)
    error = ConfigError{flag, "",
                        "a positive rate with a unit such as \"1Gbps\", found \"" + text + "\""};
  return BitsPerSecond(1);
}

inline SimTime DurationOption(const std::string& flag, const std::string& text,
                              std::optional<ConfigError>& error) {
  if (auto d = ParseDuration(text)) return *d;
  if (!error)
    error =
        ConfigError{flag, "", "a duration with a unit such as \"10ms\", found \"" + text + "\""};
  return SimTime();
}

}  // namespace locosim::cli
