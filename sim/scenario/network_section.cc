#include "sim/scenario/network_section.h"

#include <algorithm>
#include <cstdint>

#include "sim/backends/network_factory.h"
#include "sim/config/field_readers.h"
#include "sim/config/topology_json.h"

namespace locosim {
namespace {

NetworkOptions::Tcp ReadTcp(const JsonReader& r) {
  r.ExpectOnlyKeys({"startup", "slow_start_after_idle", "congestion_avoidance", "streams",
                    "congestion_control", "mtu_bytes", "initial_cwnd_segments", "min_rto"});
  NetworkOptions::Tcp t;
  Optional(r, "startup", t.startup, [](const JsonReader& v) { return v.Boolean(); });
  Optional(r, "slow_start_after_idle", t.slow_start_after_idle,
           [](const JsonReader& v) { return v.Boolean(); });
  Optional(r, "congestion_avoidance", t.congestion_avoidance,
           [](const JsonReader& v) { return v.Boolean(); });
  Optional(r, "streams", t.streams, [](const JsonReader& v) {
    return IntIn(v, 1, kMaxTcpStreams,
                 "a stream count in [1, " + std::to_string(kMaxTcpStreams) + "]");
  });
  Optional(r, "congestion_control", t.congestion_control, [](const JsonReader& v) {
    return Choice(v, {"cubic", "newreno", "bbr"});
  });
  Optional(r, "mtu_bytes", t.mtu_bytes, [](const JsonReader& v) {
    return IntIn(v, 576, 65535, "an MTU in [576, 65535] bytes");
  });
  Optional(r, "initial_cwnd_segments", t.initial_cwnd_segments,
           [](const JsonReader& v) { return IntIn(v, 1, 1000, "a segment count in [1, 1000]"); });
  Optional(r, "min_rto", t.min_rto, [](const JsonReader& v) {
    const SimTime d = v.Duration();
    if (d <= SimTime()) v.Fail("a positive duration");
    return d;
  });
  return t;
}

NetworkOptions::Ns3 ReadNs3(const JsonReader& r) {
  for (const char* moved : {"mtu_bytes", "initial_cwnd_segments", "min_rto", "tcp"}) {
    if (r.Has(moved)) {
      const std::string now = std::string(moved) == "tcp" ? "congestion_control" : moved;
      r.Field(moved).Fail("\"network.tcp." + now +
                          "\": it describes TCP for every backend, not only ns3");
    }
  }
  r.ExpectOnlyKeys({"queue_disc", "sack", "seed", "stall_timeout"});
  NetworkOptions::Ns3 o;
  Optional(r, "queue_disc", o.queue_disc, [](const JsonReader& v) {
    return Choice(v, {"fq_codel", "pfifo", "red"});
  });
  Optional(r, "stall_timeout", o.stall_timeout, [](const JsonReader& v) {
    const SimTime d = v.Duration();
    if (d <= SimTime()) v.Fail("a positive duration");
    return d;
  });
  Optional(r, "sack", o.sack, [](const JsonReader& v) { return v.Boolean(); });
  Optional(r, "seed", o.seed, [](const JsonReader& v) {
    return static_cast<std::uint64_t>(IntIn(v, 0, INT32_MAX, "a non-negative seed"));
  });
  return o;
}

}  // namespace

NetworkSpec ReadNetworkSection(const JsonReader& r) {
  r.ExpectOnlyKeys({"backend", "topology", "generator", "overrides", "tcp", "flow", "ns3"});
  NetworkSpec n;
  if (auto b = r.OptionalField("backend")) {
    const std::string backend = b->String();
    const auto names = BackendNames();
    if (std::find(names.begin(), names.end(), backend) == names.end()) {
      std::string expected = "a backend this build has:";
      for (const auto& name : names) expected += " \"" + name + "\"";
      b->Fail(expected + ", found \"" + backend + "\"");
    }
    n.backend = backend;
  }
  const bool has_file = r.Has("topology"), has_generator = r.Has("generator");
  if (has_file == has_generator) r.Fail("exactly one of \"topology\" (a file) and \"generator\"");
  if (has_file) n.topology_file = r.Field("topology").String();
  if (has_generator) {
    const JsonReader g = r.Field("generator");
    g.ExpectOnlyKeys(
        {"kind", "bandwidth", "latency", "regions", "wan_bandwidth", "wan_latency", "seed"});
    n.generator = Choice(g.Field("kind"), {"star", "ring", "regions", "internet"});
    Optional(g, "bandwidth", n.bandwidth, [](const JsonReader& v) { return v.Rate(); });
    Optional(g, "latency", n.latency, [](const JsonReader& v) { return v.Duration(); });
    Optional(g, "regions", n.regions,
             [](const JsonReader& v) { return IntIn(v, 1, 1000, "a region count in [1, 1000]"); });
    Optional(g, "wan_bandwidth", n.wan_bandwidth, [](const JsonReader& v) { return v.Rate(); });
    Optional(g, "wan_latency", n.wan_latency, [](const JsonReader& v) { return v.Duration(); });
    Optional(g, "seed", n.generator_seed, [](const JsonReader& v) {
      return static_cast<std::uint64_t>(IntIn(v, 0, INT32_MAX, "a non-negative seed"));
    });
  }
  if (auto o = r.OptionalField("overrides")) {
    o->ExpectOnlyKeys({"bandwidth", "latency", "loss_rate", "jitter"});
    Optional(*o, "jitter", n.override_jitter, [](const JsonReader& v) {
      return std::optional<LatencyJitter>(ReadLatencyJitter(v));
    });
    Optional(*o, "bandwidth", n.override_bandwidth,
             [](const JsonReader& v) { return std::optional<BitsPerSecond>(v.Rate()); });
    Optional(*o, "latency", n.override_latency,
             [](const JsonReader& v) { return std::optional<SimTime>(v.Duration()); });
    Optional(*o, "loss_rate", n.override_loss_rate, [](const JsonReader& v) {
      return std::optional<double>(NumberIn(v, 0, 0.999, "a loss rate in [0, 1)"));
    });
  }
  if (auto moved = r.OptionalField("flow")) {
    moved->Fail(
        "\"network.tcp\" (startup, slow_start_after_idle, streams): TCP is now modelled "
        "by default on every backend and the loss-limited rate always applies");
  }
  if (auto tcp = r.OptionalField("tcp")) n.options.tcp = ReadTcp(*tcp);
  if (auto ns3 = r.OptionalField("ns3")) {
    n.options.ns3 = ReadNs3(*ns3);
    // Options a backend cannot honour are refused, not ignored.
    if (n.backend != "ns3") {
      ns3->Fail("no \"ns3\" section with backend \"" + n.backend +
                "\": its options (queue_disc, sack, seed, stall_timeout) apply only to backend "
                "\"ns3\"");
    }
  }
  return n;
}

}  // namespace locosim
