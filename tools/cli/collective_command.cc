// locosim collective: simulates one collective on a topology and reports its completion.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "sim/backends/network_factory.h"
#include "sim/collectives/collective_by_name.h"
#include "sim/config/quantity.h"
#include "sim/config/topology_json.h"
#include "sim/net/real/real_simulation.h"
#include "tools/cli/command.h"
#include "tools/cli/network_options.h"

namespace locosim::cli {
namespace {

struct Options {
  std::string topology;
  std::string algorithm;
  std::string bytes;
  std::string backend = "flow";
  int replicas = 0;
  std::uint64_t seed = 0;
  int group_size = 2;
  bool json = false;
  NetworkOptionText network;
  bool no_wan = false;   // real: loopback, no namespaces or emulated WAN
  int deadline_s = 120;  // real: wall-clock bound of the run
  // real: what every socket's receive buffer starts at (Linux autotunes it from there)
  std::string receive_buffer = "128KiB";
};

// "1e9", "1000000000" or "1GB": a count of bytes, with or without a unit.
std::optional<Bytes> ParseByteArgument(const std::string& text) {
  if (auto b = ParseBytes(text)) return b;
  if (auto b = ParseBytes(text + "B")) return b;
  return std::nullopt;
}

nlohmann::json LinkBytesJson(const Topology& t, const std::vector<double>& channel_bytes) {
  nlohmann::json links = nlohmann::json::object();
  for (std::size_t l = 0; l < t.links.size(); ++l) {
    links[t.links[l].id] = {{"endpoints", {t.nodes[t.links[l].a].id, t.nodes[t.links[l].b].id}},
                            {"forward_bytes", channel_bytes[2 * l]},
                            {"reverse_bytes", channel_bytes[2 * l + 1]}};
  }
  return links;
}

real::RealOptions RealOptionsOf(const Options& o, const NetworkOptions& options, int n,
                                Bytes receive_buffer) {
  real::RealOptions r = real::RealOptionsFor(options);
  r.replicas = n;
  r.seed = o.seed;
  r.deadline = std::chrono::seconds(o.deadline_s);
  r.loopback = o.no_wan;
  r.receive_buffer_initial_bytes = receive_buffer.count();
  return r;
}

int Run(const Options& o) {
  auto topology = LoadTopologyFile(o.topology);
  if (!topology) return ReportBadInput(topology.error());
  const auto bytes = ParseByteArgument(o.bytes);
  if (!bytes) {
    return ReportBadInput(
        "--bytes: expected a non-negative byte count such as 1e9 or 64MiB, found \"" + o.bytes +
        "\"");
  }
  const int n = o.replicas == 0 ? topology->replica_count() : o.replicas;
  if (n > topology->replica_count()) {
    return ReportBadInput("--replicas: expected at most the " +
                          std::to_string(topology->replica_count()) + " replicas of " + o.topology +
                          ", found " + std::to_string(n));
  }
  std::optional<ConfigError> option_error;
  NetworkOptions options = ResolveNetworkOptions(o.network, option_error);
  options.jitter_seed = o.seed;  // links with latency jitter draw from it
  options.loss_seed = o.seed;    // and lossy links the fluid backends' random losses
  if (option_error) return ReportBadInput(*option_error);
  const auto receive_buffer = ParseByteArgument(o.receive_buffer);
  if (!receive_buffer || receive_buffer->count() < 4096 || receive_buffer->count() > (1 << 30)) {
    return ReportBadInput("--receive-buffer: expected a byte count from 4KiB to 1GiB, found \"" +
                          o.receive_buffer + "\"");
  }
  if (o.backend == "real") {
    if (auto refused = real::RefusedForReal(*topology, options)) return ReportBadInput(*refused);
  }
  auto sim = o.backend == "real" ? real::MakeRealSimulation(
                                       *topology, RealOptionsOf(o, options, n, *receive_buffer))
                                 : MakeSimulation(o.backend, *topology, options);
  if (!sim) return ReportBadInput(sim.error().message());

  const std::vector<NodeIndex> nodes(topology->replicas.begin(), topology->replicas.begin() + n);
  CollectiveSpec spec{o.algorithm, *bytes, o.seed, 0, o.group_size};
  const auto wall_start = std::chrono::steady_clock::now();
  const CollectiveOutcome outcome = RunCollective(*sim, nodes, spec);
  if (outcome.stall) {
    std::cerr << "locosim: " << outcome.stall->message << "\n";
    return 1;
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  if (o.json) {
    nlohmann::json per_replica = nlohmann::json::array();
    for (SimTime t : outcome.rank_done) per_replica.push_back(t.seconds());
    nlohmann::json doc = {{"topology", topology->name},
                          {"backend", o.backend},
                          {"algorithm", o.algorithm},
                          {"replicas", n},
                          {"bytes", bytes->count()},
                          {"completion_s", outcome.completion.seconds()},
                          {"per_replica_s", per_replica},
                          {"link_bytes", LinkBytesJson(*topology, outcome.channel_bytes)},
                          {"host", {{"wall_s", wall_s}}}};
    std::cout << doc.dump(2) << "\n";
    return 0;
  }
  std::vector<SimTime> sorted = outcome.rank_done;
  std::sort(sorted.begin(), sorted.end());
  std::printf("%s of %lld bytes among %d replicas of %s (%s backend)\n", o.algorithm.c_str(),
              static_cast<long long>(bytes->count()), n, topology->name.c_str(), o.backend.c_str());
  std::printf("completion_s     %.6f\n", outcome.completion.seconds());
  std::printf("per replica (s)  min %.6f  median %.6f  max %.6f\n", sorted.front().seconds(),
              sorted[sorted.size() / 2].seconds(), sorted.back().seconds());
  std::printf("wall time        %.3f s\n", wall_s);
  return 0;
}

}  // namespace

void AddCollectiveCommand(CLI::App& app, int& status) {
  auto o = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("collective", "simulate one collective and print its completion time");
  cmd->add_option("--topology", o->topology, "topology file (JSON)")->required();
  cmd->add_option("--algorithm", o->algorithm, "collective algorithm")
      ->required()
      ->check(CLI::IsMember(CollectiveAlgorithms()));
  cmd->add_option("--bytes", o->bytes, "buffer size per replica, e.g. 1e9 or 64MiB")->required();
  std::vector<std::string> backends = BackendNames();
  backends.push_back("real");  // kernel TCP through an emulated WAN: collectives only
  cmd->add_option("--backend", o->backend,
                  "network backend; real: kernel TCP between network namespaces through an "
                  "emulated WAN, on the wall clock, as root (docs/real_backend.md)")
      ->capture_default_str()
      ->check(CLI::IsMember(backends));
  cmd->add_flag("--no-wan", o->no_wan,
                "real: loopback addresses in this namespace, no emulated WAN (tests the "
                "transport alone; leaves out every link's rate, latency and loss)");
  cmd->add_option("--deadline", o->deadline_s, "real: seconds the run may take before it fails")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--receive-buffer", o->receive_buffer,
                  "real: what every socket's receive buffer starts at (tcp_rmem's default; Linux "
                  "autotunes it from there, and a small one limits slow start; the models leave "
                  "the receiver's window out)")
      ->capture_default_str();
  cmd->add_option("--replicas", o->replicas,
                  "use the first K replicas of the topology (default: all)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", o->seed,
                  "gossip: seed of the pairing permutation; also of latency jitter draws and of "
                  "the fluid backends' random losses")
      ->capture_default_str();
  cmd->add_option("--group-size", o->group_size, "gossip: members per group")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  AddNetworkOptions(*cmd, o->network);
  cmd->add_flag("--json", o->json,
                "print one JSON object (completion_s, per_replica_s, link_bytes)");
  cmd->callback([o, &status] { status = Run(*o); });
}

}  // namespace locosim::cli
