// The backend options shared by every command that builds a network (collective,
// crosscheck): TCP's (--tcp-startup, --slow-start-after-idle, --streams, --mtu,
// --initial-cwnd, --min-rto, --congestion-control) and ns3's (--ns3-queue, --ns3-sack,
// --ns3-stall-timeout, --ns3-seed). Durations carry their unit, as everywhere else.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "sim/backends/network_factory.h"
#include "sim/core/config_error.h"

namespace locosim::cli {

struct NetworkOptionText {
  NetworkOptions options;
  std::string min_rto = "200ms";
  std::string ns3_stall_timeout = "600s";
};

void AddNetworkOptions(CLI::App& cmd, NetworkOptionText& o);

// The options with their durations parsed; on failure stores the first error in `error`.
NetworkOptions ResolveNetworkOptions(const NetworkOptionText& o, std::optional<ConfigError>& error);

}  // namespace locosim::cli
