#include "tests/cli/run_cli.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace locosim::testing {

std::string TempDir() {
  static const std::string dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "locosim_cli_XXXXXX").string();
    const char* made = ::mkdtemp(pattern.data());
    std::string path = made ? made : "/tmp";
    return path;
  }();
  return dir;
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

CliResult RunLocosim(const std::string& args, const std::string& env) {
  return RunCommand((env.empty() ? "" : "env " + env + " ") + std::string(LOCOSIM_BINARY) + " " +
                    args);
}

CliResult RunCommand(const std::string& shell_command) {
  const std::string err_path = TempDir() + "/stderr.txt";
  const std::string command = shell_command + " 2>" + err_path;
  CliResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.err = ReadText(err_path);
  return result;
}

}  // namespace locosim::testing
