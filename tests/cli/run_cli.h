// Runs the built `locosim` binary as a user would and captures what it printed.
#pragma once

#include <string>

namespace locosim::testing {

struct CliResult {
  int exit_status = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// A shell command line, its stderr captured beside its stdout.
CliResult RunCommand(const std::string& command);

// `args` is appended to the binary's path as a shell command line; `env` ("NAME=value ...")
// is set for that command only.
CliResult RunLocosim(const std::string& args, const std::string& env = "");

// A fresh temporary directory for this test process.
std::string TempDir();
void WriteText(const std::string& path, const std::string& text);
std::string ReadText(const std::string& path);

}  // namespace locosim::testing
