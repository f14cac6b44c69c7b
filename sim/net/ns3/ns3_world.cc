#include "sim/net/ns3/ns3_world.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/error-model.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-generator.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/nstime.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/pointer.h"
#include "ns3/queue-size.h"
#include "ns3/red-queue-disc.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/string.h"
#include "ns3/tcp-bbr.h"
#include "ns3/tcp-congestion-ops.h"
#include "ns3/tcp-cubic.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/uinteger.h"

namespace locosim {
namespace {

ns3::TypeId TcpTypeId(const std::string& tcp) {
  if (tcp == "newreno") return ns3::TcpNewReno::GetTypeId();
  if (tcp == "bbr") return ns3::TcpBbr::GetTypeId();
  assert(tcp == "cubic");
  return ns3::TcpCubic::GetTypeId();
}

ns3::QueueSize QueueSizeOf(const Link& link, const std::string& queue_disc) {
  if (link.queue.packets > 0) {
    return ns3::QueueSize(ns3::QueueSizeUnit::PACKETS, static_cast<uint32_t>(link.queue.packets));
  }
  if (link.queue.bytes.count() > 0) {
    return ns3::QueueSize(ns3::QueueSizeUnit::BYTES,
                          static_cast<uint32_t>(link.queue.bytes.count()));
  }
  return ns3::QueueSize(ns3::QueueSizeUnit::PACKETS,
                        static_cast<uint32_t>(DefaultQueuePackets(queue_disc)));
}

ns3::TrafficControlHelper QueueDiscFor(const Link& link, const NetworkOptions& options) {
  const NetworkOptions::Ns3& o = options.ns3;
  ns3::TrafficControlHelper tc;
  const ns3::QueueSizeValue size(QueueSizeOf(link, o.queue_disc));
  if (o.queue_disc == "pfifo") {
    tc.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", size);
  } else if (o.queue_disc == "red") {
    // Adaptive RED: thresholds follow the link rate and a 5 ms target delay (MinTh = MaxTh = 0
    // asks ns-3 to derive them), which suits links from 50 Mbps to 100 Gbps alike.
    tc.SetRootQueueDisc(
        "ns3::RedQueueDisc", "MaxSize", size, "ARED", ns3::BooleanValue(true), "MinTh",
        ns3::DoubleValue(0), "MaxTh", ns3::DoubleValue(0), "MeanPktSize",
        ns3::UintegerValue(static_cast<uint32_t>(options.tcp.mtu_bytes)), "LinkBandwidth",
        ns3::DataRateValue(ns3::DataRate(static_cast<uint64_t>(link.bandwidth.bps()))), "LinkDelay",
        ns3::TimeValue(ns3::NanoSeconds(link.latency.nanoseconds())));
  } else {
    assert(o.queue_disc == "fq_codel");
    tc.SetRootQueueDisc("ns3::FqCoDelQueueDisc", "MaxSize", size);
  }
  return tc;
}

// Interface metrics are 16-bit; latencies are scaled so the longest link fits.
std::vector<uint16_t> LatencyMetrics(const Topology& t) {
  std::int64_t longest_us = 1;
  for (const Link& l : t.links) longest_us = std::max(longest_us, l.latency.nanoseconds() / 1000);
  const double scale = std::max(1.0, static_cast<double>(longest_us) / 65000.0);
  std::vector<uint16_t> metric;
  for (const Link& l : t.links) {
    const double m = std::round(static_cast<double>(l.latency.nanoseconds()) / 1000.0 / scale);
    metric.push_back(static_cast<uint16_t>(std::clamp(m, 1.0, 65535.0)));
  }
  return metric;
}

}  // namespace

std::int64_t DefaultQueuePackets(const std::string& queue_disc) {
  return queue_disc == "fq_codel" ? 10240 : 1000;
}

Ns3World BuildNs3World(const Topology& topology, const NetworkOptions& options) {
  const NetworkOptions::Ns3& o = options.ns3;
  ns3::RngSeedManager::SetSeed(static_cast<uint32_t>(std::max<std::uint64_t>(1, o.seed)));
  ns3::RngSeedManager::SetRun(1);
  ns3::Ipv4AddressGenerator::Reset();
  // Read by every TcpSocketState when a socket is made (there is no per-socket attribute
  // for it before the socket exists); set on every build so nothing leaks between runs.
  ns3::Config::SetDefault("ns3::TcpSocketState::EnablePacing",
                          ns3::BooleanValue(options.tcp.congestion_control == "bbr"));

  Ns3World world;
  world.nodes.Create(static_cast<uint32_t>(topology.node_count()));
  ns3::InternetStackHelper internet;
  internet.SetIpv6StackInstall(false);
  internet.Install(world.nodes);
  for (uint32_t i = 0; i < world.nodes.GetN(); ++i) {
    world.nodes.Get(i)->GetObject<ns3::TcpL4Protocol>()->SetAttribute(
        "SocketType", ns3::TypeIdValue(TcpTypeId(options.tcp.congestion_control)));
  }

  const std::vector<uint16_t> metric = LatencyMetrics(topology);
  ns3::Ipv4AddressHelper addresses("10.0.0.0", "255.255.255.252");
  world.sender.resize(static_cast<std::size_t>(topology.channel_count()));
  world.address.resize(static_cast<std::size_t>(topology.node_count()));
  std::vector<bool> has_address(world.address.size(), false);
  int64_t stream = 1000;  // explicit streams: the same run twice in one process agrees
  for (std::size_t l = 0; l < topology.links.size(); ++l) {
    const Link& link = topology.links[l];
    ns3::PointToPointHelper p2p;
    p2p.SetDeviceAttribute(
        "DataRate", ns3::DataRateValue(ns3::DataRate(static_cast<uint64_t>(link.bandwidth.bps()))));
    p2p.SetDeviceAttribute("Mtu", ns3::UintegerValue(static_cast<uint32_t>(options.tcp.mtu_bytes)));
    p2p.SetChannelAttribute("Delay", ns3::TimeValue(ns3::NanoSeconds(link.latency.nanoseconds())));
    // The queue disc holds the queue; the device keeps one packet so that the disc, not a
    // drop-tail device queue, decides what waits and what drops.
    p2p.SetQueue("ns3::DropTailQueue", "MaxSize", ns3::StringValue("1p"));
    ns3::NetDeviceContainer devices = p2p.Install(world.nodes.Get(static_cast<uint32_t>(link.a)),
                                                  world.nodes.Get(static_cast<uint32_t>(link.b)));
    if (link.loss_rate > 0) {
      for (uint32_t d = 0; d < 2; ++d) {
        auto loss = ns3::CreateObject<ns3::RateErrorModel>();
        loss->SetUnit(ns3::RateErrorModel::ERROR_UNIT_PACKET);
        loss->SetRate(link.loss_rate);
        loss->AssignStreams(stream++);
        devices.Get(d)->SetAttribute("ReceiveErrorModel", ns3::PointerValue(loss));
      }
    }
    // Queue discs before addresses, or Ipv4AddressHelper installs its own default.
    ns3::QueueDiscContainer discs = QueueDiscFor(link, options).Install(devices);
    for (uint32_t d = 0; d < discs.GetN(); ++d) {
      if (auto red = ns3::DynamicCast<ns3::RedQueueDisc>(discs.Get(d))) {
        stream += red->AssignStreams(stream);
      }
    }
    ns3::Ipv4InterfaceContainer interfaces = addresses.Assign(devices);
    addresses.NewNetwork();
    for (uint32_t d = 0; d < 2; ++d) {
      const NodeIndex node = d == 0 ? link.a : link.b;
      auto [ipv4, interface] = interfaces.Get(d);
      ipv4->SetMetric(interface, metric[l]);
      if (!has_address[node]) {
        world.address[node] = interfaces.GetAddress(d);
        has_address[node] = true;
      }
      world.sender[2 * l + d] = ns3::DynamicCast<ns3::PointToPointNetDevice>(devices.Get(d));
    }
  }
  internet.AssignStreams(world.nodes, stream);
  ns3::Ipv4GlobalRoutingHelper::PopulateRoutingTables();
  // ns-3 initialises nodes (and their traffic control and queue discs) in an event at time
  // 0; transfers may start before the first event, so initialise them now (later calls are
  // no-ops).
  for (uint32_t i = 0; i < world.nodes.GetN(); ++i) world.nodes.Get(i)->Initialize();
  return world;
}

}  // namespace locosim
