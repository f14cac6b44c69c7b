// Results are written whole or not at all: to a temporary name beside the target, then
// renamed over it, so a reader never sees a half-written file that looks complete.
#pragma once

#include <optional>
#include <string>

namespace locosim {

// Returns an error message (naming the path and the OS error) on failure, nullopt on success.
std::optional<std::string> WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace locosim
