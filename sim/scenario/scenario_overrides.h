// Command-line overrides of a scenario file (--set path=value), applied to the JSON document
// before it is parsed, so an override is checked exactly like the file's own fields.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sim/core/config_error.h"

namespace locosim {

// Applies "network.backend=ns3" or "methods[0].outer_lr=0.5" to `doc`: the value is JSON if
// it parses as JSON, else a string. Objects missing on the way are created (the strict parse
// that follows rejects any key that is not a field); arrays must exist. Throws a
// ConfigException (file "--set") on a malformed assignment; callers turn it into a Result.
void ApplyOverride(nlohmann::json& doc, const std::string& assignment);

}  // namespace locosim
