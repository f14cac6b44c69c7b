// Network namespaces for the WAN emulator, through the `ip` tool (iproute2): one namespace
// per replica, named <prefix>-<pid>-<replica>, so that a run's namespaces are its own and
// those a killed run left behind are known by their dead pid and removed by the next run.
// Every call is bounded: `ip` is run with a timeout and its exit status checked.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace locosim::real {

inline constexpr const char* kNetnsPrefix = "locosim";

// What this process lacks to make namespaces and TUN devices (root, /dev/net/tun, `ip`), as
// "expected ..." text, or nullopt when it has all.
std::optional<std::string> WhyNoNamespaces();

// Runs `ip` with `args`; the error names the command and its exit status.
std::optional<std::string> RunIp(const std::vector<std::string>& args);

// This tool's namespaces whose pid is no longer running: removed. Returns their names.
std::vector<std::string> RemoveLeftoverNamespaces();

// The names of this tool's namespaces that exist now (all pids).
std::vector<std::string> ListOwnNamespaces();

// A namespace that exists from construction to destruction; Enter() runs code in it.
class Netns {
 public:
  // Creates <prefix>-<this pid>-<index> with its loopback up. error() says why not.
  explicit Netns(int index);
  ~Netns();
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;

  const std::string& name() const { return name_; }
  const std::optional<std::string>& error() const { return error_; }

  // Calls `fn` with this thread inside the namespace, then returns it to where it was:
  // sockets and TUN devices made in `fn` belong to the namespace. Returns an error if the
  // switch failed (fn not called).
  template <class Fn>
  std::optional<std::string> Enter(Fn&& fn) {
    if (auto e = Switch(true)) return e;
    fn();
    return Switch(false);
  }

 private:
  std::optional<std::string> Switch(bool in);

  std::string name_;
  int fd_ = -1;       // /run/netns/<name>
  int home_fd_ = -1;  // the thread's namespace before Enter()
  bool created_ = false;
  std::optional<std::string> error_;
};

}  // namespace locosim::real
