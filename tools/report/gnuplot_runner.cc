#include "tools/report/gnuplot_runner.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tools/report/gnuplot_script.h"

namespace locosim::report {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInstallHint =
    "gnuplot (Debian package gnuplot-nox; tools/setup installs it)";

bool IsExecutable(const fs::path& p) {
  return fs::is_regular_file(p) && ::access(p.c_str(), X_OK) == 0;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `program script` in `dir` with stdout and stderr to `log`; returns its exit status.
int RunIn(const std::string& program, const fs::path& dir, const std::string& script,
          const fs::path& log) {
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execl(program.c_str(), program.c_str(), script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Removes the folder however the rendering ends.
struct TempDir {
  fs::path path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

}  // namespace

std::optional<std::string> FindGnuplot() {
  if (const char* forced = std::getenv("LOCOSIM_GNUPLOT")) {
    return IsExecutable(forced) ? std::optional<std::string>(forced) : std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / "gnuplot";
    if (IsExecutable(candidate)) return candidate.string();
  }
  return std::nullopt;
}

Result<Svgs> RenderFigures(const std::vector<Figure>& figures) {
  if (figures.empty()) return Svgs{};
  const auto gnuplot = FindGnuplot();
  if (!gnuplot)
    return ConfigError{"gnuplot", "",
                       std::string(kInstallHint) + " on PATH to draw the figures, found none"};
  std::string pattern = (fs::temp_directory_path() / "locosim_gnuplot_XXXXXX").string();
  if (!::mkdtemp(pattern.data())) return ConfigError{pattern, "", "a writable temporary folder"};
  TempDir temp{pattern};
  const GnuplotJob job = MakeGnuplotJob(figures);
  for (const auto& [name, content] : job.data)
    std::ofstream(temp.path / name, std::ios::binary) << content;
  std::ofstream(temp.path / "figures.gp", std::ios::binary) << job.script;
  const int status = RunIn(*gnuplot, temp.path, "figures.gp", temp.path / "gnuplot.log");
  if (status != 0) {
    std::string log = ReadFile(temp.path / "gnuplot.log");
    for (char& c : log) c = c == '\n' ? ' ' : c;
    return ConfigError{*gnuplot, "",
                       "to draw the figures, but it exited with status " + std::to_string(status) +
                           (log.empty() ? "" : ": " + log.substr(0, 400))};
  }
  Svgs svgs;
  for (std::size_t i = 0; i < figures.size(); ++i) {
    const fs::path out = temp.path / job.outputs[i];
    if (!fs::exists(out))
      return ConfigError{*gnuplot, "", "to write " + job.outputs[i] + ", found no file"};
    svgs[figures[i].id] = ReadFile(out);
  }
  return svgs;
}

}  // namespace locosim::report
