// The one error the data plane reports to its caller: an invalid configuration, a missing
// dataset (naming the Debian package that installs it), an unreadable checkpoint. Thrown at
// the public boundary (ReplicaSet, the data loaders, the config validator) and meant to be
// caught by whoever decides to exit; what() is one line a user can act on. Nothing in
// trainers/ aborts the process on bad input.
#pragma once

#include <stdexcept>
#include <string>

namespace locosim::trainers {

class TrainerError : public std::runtime_error {
 public:
  explicit TrainerError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace locosim::trainers
