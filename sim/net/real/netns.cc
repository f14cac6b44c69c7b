#include "sim/net/real/netns.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

extern char** environ;

namespace locosim::real {
namespace {

constexpr auto kIpTimeout = std::chrono::seconds(10);
constexpr const char* kNetnsDir = "/run/netns";

std::string OwnPrefix() {
  return std::string(kNetnsPrefix) + "-" + std::to_string(::getpid()) + "-";
}

// The pid in "<prefix>-<pid>-<index>", or -1 for another name.
long PidOf(const std::string& name) {
  const std::string head = std::string(kNetnsPrefix) + "-";
  if (name.rfind(head, 0) != 0) return -1;
  const std::size_t dash = name.find('-', head.size());
  if (dash == std::string::npos || dash == head.size()) return -1;
  const std::string digits = name.substr(head.size(), dash - head.size());
  if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stol(digits);
}

}  // namespace

std::optional<std::string> WhyNoNamespaces() {
  if (::geteuid() != 0) {
    return "root, to make network namespaces and TUN devices (CAP_NET_ADMIN and "
           "CAP_SYS_ADMIN); this process is not";
  }
  const int tun = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (tun < 0) return std::string("a usable /dev/net/tun (") + std::strerror(errno) + ")";
  ::close(tun);
  if (RunIp({"-V"})) return "the `ip` tool (package iproute2), which was not found";
  return std::nullopt;
}

std::optional<std::string> RunIp(const std::vector<std::string>& args) {
  std::vector<std::string> words = {"ip"};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "ip", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  std::string command;
  for (const std::string& w : words) command += (command.empty() ? "" : " ") + w;
  if (spawned != 0) return "cannot run `" + command + "`: " + std::strerror(spawned);
  const auto give_up = std::chrono::steady_clock::now() + kIpTimeout;
  int status = 0;
  pid_t waited = 0;
  while ((waited = ::waitpid(pid, &status, WNOHANG)) == 0) {
    if (std::chrono::steady_clock::now() > give_up) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return "`" + command + "` did not finish within 10 s";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (waited < 0) return "`" + command + "`: cannot wait for it: " + std::strerror(errno);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return "`" + command + "` failed (exit status " +
           std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
  }
  return std::nullopt;
}

std::vector<std::string> ListOwnNamespaces() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(kNetnsDir, ec)) {
    const std::string name = entry.path().filename().string();
    if (PidOf(name) >= 0) names.push_back(name);
  }
  return names;
}

std::vector<std::string> RemoveLeftoverNamespaces() {
  std::vector<std::string> removed;
  for (const std::string& name : ListOwnNamespaces()) {
    const long pid = PidOf(name);
    if (pid == ::getpid() || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM) continue;
    if (!RunIp({"netns", "delete", name})) removed.push_back(name);
  }
  return removed;
}

Netns::Netns(int index) : name_(OwnPrefix() + std::to_string(index)) {
  if ((error_ = RunIp({"netns", "add", name_}))) return;
  created_ = true;
  if ((error_ = RunIp({"-n", name_, "link", "set", "lo", "up"}))) return;
  fd_ = ::open((std::string(kNetnsDir) + "/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) error_ = "cannot open namespace " + name_ + ": " + std::strerror(errno);
}

Netns::~Netns() {
  if (fd_ >= 0) ::close(fd_);
  if (created_) RunIp({"netns", "delete", name_});
}

std::optional<std::string> Netns::Switch(bool in) {
  if (in) {
    home_fd_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home_fd_ < 0)
      return std::string("cannot open this thread's namespace: ") + std::strerror(errno);
    if (::setns(fd_, CLONE_NEWNET) != 0) {
      ::close(home_fd_);
      return "cannot enter namespace " + name_ + ": " + std::strerror(errno);
    }
    return std::nullopt;
  }
  const int rc = ::setns(home_fd_, CLONE_NEWNET);
  ::close(home_fd_);
  if (rc != 0) return std::string("cannot leave namespace ") + name_ + ": " + std::strerror(errno);
  return std::nullopt;
}

}  // namespace locosim::real
