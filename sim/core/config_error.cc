#include "sim/core/config_error.h"

namespace locosim {

std::string ConfigError::message() const {
  std::string m = file.empty() ? std::string("<input>") : file;
  m += ": ";
  if (!path.empty()) m += "at " + path + ": ";
  m += "expected " + expected;
  return m;
}

}  // namespace locosim
