#include "tools/cli/network_options.h"

#include "tools/cli/quantity_option.h"

namespace locosim::cli {

void AddNetworkOptions(CLI::App& cmd, NetworkOptionText& o) {
  NetworkOptions::Tcp& t = o.options.tcp;
  cmd.add_flag("--tcp-startup,!--no-tcp-startup", t.startup,
               "TCP handshake and slow start on every new connection (on by default)");
  cmd.add_flag("--slow-start-after-idle,!--no-slow-start-after-idle", t.slow_start_after_idle,
               "TCP restarts its window after idle, as Linux does by default (on by default)");
  cmd.add_flag("--congestion-avoidance,!--no-congestion-avoidance", t.congestion_avoidance,
               "the fluid backends walk TCP's window past slow start against the bottleneck "
               "queue's drops (on by default; off holds it at the path's rate)");
  cmd.add_option("--streams", t.streams, "TCP connections each transfer is split over")
      ->capture_default_str()
      ->check(CLI::Range(1, kMaxTcpStreams));
  cmd.add_option("--mtu,--ns3-mtu", t.mtu_bytes, "IP MTU of every link in bytes (9000 or 1500)")
      ->capture_default_str()
      ->check(CLI::Range(576, 65535));
  cmd.add_option("--initial-cwnd,--ns3-initial-cwnd", t.initial_cwnd_segments,
                 "TCP initial window, segments")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd.add_option("--min-rto,--ns3-min-rto", o.min_rto, "TCP minimum retransmission timeout")
      ->capture_default_str();
  NetworkOptions::Ns3& n = o.options.ns3;
  cmd.add_option(
         "--congestion-control,--ns3-tcp", t.congestion_control,
         "TCP congestion control (ns3 runs it; the fluid backends model its response to loss)")
      ->capture_default_str()
      ->check(CLI::IsMember({"cubic", "newreno", "bbr"}));
  cmd.add_option(
         "--queue-disc,--ns3-queue", n.queue_disc,
         "queue discipline on every device (ns3), every link (real: fq_codel or pfifo) and in "
         "the fluid backends' window model (red taken as fq_codel)")
      ->capture_default_str()
      ->check(CLI::IsMember({"fq_codel", "pfifo", "red"}));
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
  resolved.tcp.min_rto = DurationOption("--min-rto", o.min_rto, error);
  resolved.ns3.stall_timeout = DurationOption("--ns3-stall-timeout", o.ns3_stall_timeout, error);
  if (!error && resolved.tcp.min_rto <= SimTime()) {
    error = ConfigError{"--min-rto", "", "a positive duration, found \"" + o.min_rto + "\""};
  }
  if (!error && resolved.ns3.stall_timeout <= SimTime()) {
    error = ConfigError{"--ns3-stall-timeout", "",
                        "a positive duration, found \"" + o.ns3_stall_timeout + "\""};
  }
  return resolved;
}

}  // namespace locosim::cli
