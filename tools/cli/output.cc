#include <iostream>

#include "sim/record/atomic_file.h"
#include "tools/cli/command.h"

namespace locosim::cli {

int ReportBadInput(const ConfigError& error) { return ReportBadInput(error.message()); }

int ReportBadInput(const std::string& message) {
  std::cerr << "locosim: " << message << "\n";
  return 2;
}

int WriteOutput(const std::string& path, const std::string& content) {
  if (path.empty() || path == "-") {
    std::cout << content;
    return 0;
  }
  if (auto error = WriteFileAtomically(path, content)) return ReportBadInput(*error);
  return 0;
}

}  // namespace locosim::cli
