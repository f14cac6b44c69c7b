#include "sim/net/real/real_simulation.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "sim/net/real/netns.h"
#include "sim/net/real/socket_network.h"
#include "sim/net/real/wall_clock_loop.h"
#include "sim/net/real/wan_emulator.h"

namespace locosim::real {
namespace {

constexpr std::uint16_t kPort = 7100;
constexpr const char* kDevice = "lcs0";

// Replica r's address: 10.231.0.(r+1) in its namespace, 127.0.0.(r+1) on loopback.
std::string AddressOf(int r, bool loopback) {
  return (loopback ? "127.0.0." : "10.231.0.") + std::to_string(r + 1);
}

// Namespaces, their TUN devices and the forwarder between them, torn down in reverse.
struct EmulatedWan {
  std::vector<std::unique_ptr<Netns>> namespaces;
  std::vector<int> tun_fds;
  std::unique_ptr<WanEmulator> emulator;
  ~EmulatedWan() {
    if (emulator) emulator->Stop();
    emulator.reset();
    for (int fd : tun_fds) ::close(fd);
    namespaces.clear();  // deletes them
  }
};

std::optional<std::string> OpenTun(Netns& ns, int& fd) {
  std::optional<std::string> error;
  auto entered = ns.Enter([&] {
    fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      error = std::string("cannot open /dev/net/tun: ") + std::strerror(errno);
      return;
    }
    ifreq request{};
    request.ifr_flags = IFF_TUN | IFF_NO_PI;
    std::strncpy(request.ifr_name, kDevice, IFNAMSIZ - 1);
    if (::ioctl(fd, TUNSETIFF, &request) != 0) {
      error = std::string("cannot make a TUN device: ") + std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  });
  return entered ? entered : error;
}

// The `ip` commands that set up replica r's namespace: its address, its device, its sockets'
// buffer limits and the TCP settings of `o` (the route the address made is replaced by one
// carrying initcwnd, initrwnd and rto_min).
std::vector<std::vector<std::string>> NamespaceSetup(const std::string& ns, int r,
                                                     const RealOptions& o) {
  const std::string address = AddressOf(r, false);
  const std::string buffer_max = std::to_string(o.socket_buffer_max_bytes);
  // Linux's own initial receive window is 10 segments; a larger initial window needs as much.
  const std::string initrwnd = std::to_string(std::max(10, o.initial_cwnd_segments));
  return {
      {"-n", ns, "addr", "add", address + "/24", "dev", kDevice},
      {"-n", ns, "link", "set", kDevice, "mtu", std::to_string(o.mtu_bytes), "up"},
      {"-n", ns, "route", "replace", "10.231.0.0/24", "dev", kDevice, "proto", "kernel", "scope",
       "link", "src", address, "initcwnd", std::to_string(o.initial_cwnd_segments), "initrwnd",
       initrwnd, "rto_min", std::to_string(o.min_rto.count()) + "ms"},
      {"netns", "exec", ns, "sysctl", "-q", "-w",
       "net.ipv4.tcp_rmem=4096 " + std::to_string(o.receive_buffer_initial_bytes) + " " +
           buffer_max},
      {"netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.tcp_wmem=4096 16384 " + buffer_max},
      {"netns", "exec", ns, "sysctl", "-q", "-w",
       std::string("net.ipv4.tcp_slow_start_after_idle=") + (o.slow_start_after_idle ? "1" : "0")},
  };
}

Result<std::shared_ptr<EmulatedWan>> BuildWan(const Topology& topology, int n,
                                              const RealOptions& o) {
  auto wan = std::make_shared<EmulatedWan>();
  std::vector<EmulatedReplica> replicas;
  for (int r = 0; r < n; ++r) {
    auto ns = std::make_unique<Netns>(r);
    if (ns->error())
      return ConfigError{"--backend real", "", "a network namespace: " + *ns->error()};
    int fd = -1;
    if (auto e = OpenTun(*ns, fd)) return ConfigError{"--backend real", "", "a TUN device: " + *e};
    wan->tun_fds.push_back(fd);
    for (const auto& args : NamespaceSetup(ns->name(), r, o)) {
      if (auto e = RunIp(args))
        return ConfigError{"--backend real", "", "setting up namespace " + ns->name() + ": " + *e};
    }
    replicas.push_back(
        {fd, (10u << 24) | (231u << 16) | static_cast<std::uint32_t>(r + 1), topology.replicas[r]});
    wan->namespaces.push_back(std::move(ns));
  }
  WanSettings settings;
  settings.mtu_bytes = o.mtu_bytes;
  settings.queue_disc = o.queue_disc;
  wan->emulator = std::make_unique<WanEmulator>(topology, std::move(replicas), settings, o.seed);
  wan->emulator->Start();
  return wan;
}

}  // namespace

std::optional<ConfigError> RefusedForReal(const Topology& topology, const NetworkOptions& options) {
  if (const auto off = FluidOnlyTcpSettingOff(options.tcp)) {
    return ConfigError{off->flag, "",
                       "TCP " + off->field +
                           " on for the real backend (Linux's TCP always runs "
                           "it; turning it off exists only in the models)"};
  }
  if (options.ns3.queue_disc != "fq_codel" && options.ns3.queue_disc != "pfifo") {
    return ConfigError{
        "--queue-disc", "",
        "fq_codel or pfifo for the real backend's links, found \"" + options.ns3.queue_disc + "\""};
  }
  for (const Link& link : topology.links) {
    if (link.jitter.active()) {
      return ConfigError{topology.name, "$.links[" + link.id + "].jitter",
                         "no latency jitter for the real backend (its emulator delays every "
                         "packet by the link's fixed latency)"};
    }
  }
  return std::nullopt;
}

RealOptions RealOptionsFor(const NetworkOptions& options) {
  RealOptions r;
  // The kernel's names: Linux calls NewReno "reno".
  r.congestion_control =
      options.tcp.congestion_control == "newreno" ? "reno" : options.tcp.congestion_control;
  r.mtu_bytes = options.tcp.mtu_bytes;
  r.initial_cwnd_segments = options.tcp.initial_cwnd_segments;
  r.min_rto = std::chrono::milliseconds(options.tcp.min_rto.nanoseconds() / 1'000'000);
  r.slow_start_after_idle = options.tcp.slow_start_after_idle;
  r.streams = options.tcp.streams;
  r.queue_disc = options.ns3.queue_disc;
  return r;
}

Result<Simulation> MakeRealSimulation(const Topology& topology, const RealOptions& o) {
  const int n = o.replicas == 0 ? topology.replica_count() : o.replicas;
  if (n < 2 || n > kMaxRealReplicas) {
    return ConfigError{"--replicas", "",
                       "2 to " + std::to_string(kMaxRealReplicas) +
                           " replicas for the real backend, found " + std::to_string(n)};
  }
  std::shared_ptr<EmulatedWan> wan;
  if (!o.loopback) {
    for (const Link& link : topology.links) {
      if (link.bandwidth.bps() > kMaxEmulatedBitsPerSecond) {
        return ConfigError{topology.name, "$.links[" + link.id + "].bandwidth",
                           "at most 1 Gbps for the real backend (its user-space WAN emulator "
                           "keeps no faster rate faithfully on this class of machine)"};
      }
    }
    if (auto why = WhyNoNamespaces()) return ConfigError{"--backend real", "", *why};
    RemoveLeftoverNamespaces();
    auto built = BuildWan(topology, n, o);
    if (!built) return built.error();
    wan = *built;
  }
  auto loop = std::make_unique<WallClockLoop>(o.deadline);
  std::vector<RealEndpoint> endpoints;
  for (int r = 0; r < n; ++r) {
    RealEndpoint e{topology.replicas[r], AddressOf(r, o.loopback), kPort, {}};
    if (wan) {
      Netns* ns = wan->namespaces[r].get();
      e.in_namespace = [ns](const std::function<void()>& fn) { return ns->Enter(fn); };
    } else {
      e.port = static_cast<std::uint16_t>(kPort + r);  // distinct even if 127.0.0.x aliases fail
    }
    endpoints.push_back(std::move(e));
  }
  if (o.streams < 1) {
    return ConfigError{"--streams", "",
                       "at least 1 connection per pair, found " + std::to_string(o.streams)};
  }
  auto network = std::make_unique<SocketNetwork>(
      topology, *loop, std::move(endpoints),
      SocketOptions{o.congestion_control, o.streams, std::uint64_t(1) << 40});
  if (network->error())
    return ConfigError{"--backend real", "", "listening sockets: " + *network->error()};
  network->KeepAlive(wan);
  return Simulation{std::move(loop), std::move(network)};
}

}  // namespace locosim::real
