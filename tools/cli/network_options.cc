#include "tools/cli/network_options.h"

#include "tools/cli/quantity_option.h"

namespace locosim::cli {

void AddNetworkOptions(CLI::App& cmd, NetworkOptionText& o) {
  cmd.add_flag("--flow-tcp-startup,!--no-flow-tcp-startup", o.options.flow.tcp_startup,
               "flow: add TCP handshake and slow start per new connection (MSS, initial "
               "window and minimum RTO from the --ns3-* options)");
  cmd.add_flag("--flow-tcp-loss,!--no-flow-tcp-loss", o.options.flow.tcp_loss,
               "flow: cap flows on lossy paths at the PFTK loss-limited TCP rate");
  NetworkOptions::Ns3& n = o.options.ns3;
  cmd.add_option("--ns3-tcp", n.tcp, "ns3: TCP congestion control")
      ->capture_default_str()
      ->check(CLI::IsMember({"cubic", "newreno", "bbr"}));
  cmd.add_option("--ns3-queue", n.queue_disc, "ns3: queue discipline on every device")
      ->capture_default_str()
      ->check(CLI::IsMember({"fq_codel", "pfifo", "red"}));
  cmd.add_option("--ns3-mtu", n.mtu_bytes, "ns3: IP MTU of every link in bytes (9000 or 1500)")
      ->capture_default_str()
      ->check(CLI::Range(576, 65535));
  cmd.add_option("--ns3-initial-cwnd", n.initial_cwnd_segments, "ns3: initial window, segments")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd.add_option("--ns3-min-rto", o.ns3_min_rto, "ns3: minimum retransmission timeout")
      ->capture_default_str();
  cmd.add_option("--ns3-stall-timeout", o.ns3_stall_timeout,
                 "ns3: simulated time without any delivered byte before the run is stopped")
      ->capture_default_str();
  cmd.add_flag("--ns3-sack,!--ns3-no-sack", n.sack,
               "ns3: TCP selective acknowledgements (on by default)");
  cmd.add_option("--ns3-seed", n.seed, "ns3: seed of random loss and RED")->capture_default_str();
}

NetworkOptions ResolveNetworkOptions(const NetworkOptionText& o,
                                     std::optional<ConfigError>& error) {
  NetworkOptions resolved = o.options;
  resolved.flow.segment_bytes = resolved.ns3.mtu_bytes - 52;
  resolved.flow.initial_cwnd_segments = resolved.ns3.initial_cwnd_segments;
  resolved.ns3.min_rto = DurationOption("--ns3-min-rto", o.ns3_min_rto, error);
  resolved.ns3.stall_timeout = DurationOption("--ns3-stall-timeout", o.ns3_stall_timeout, error);
  resolved.flow.min_rto = resolved.ns3.min_rto;
  if (!error && resolved.ns3.min_rto <= SimTime()) {
    error =
        ConfigError{"--ns3-min-rto", "", "a positive duration, found \"" + o.ns3_min_rto + "\""};
  }
  if (!error && resolved.ns3.stall_timeout <= SimTime()) {
    error = ConfigError{"--ns3-stall-timeout", "",
                        "a positive duration, found \"" + o.ns3_stall_timeout + "\""};
  }
  return resolved;
}

}  // namespace locosim::cli
