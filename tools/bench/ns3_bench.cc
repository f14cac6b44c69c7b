// Speed of the ns3 backend against a bare ns-3 program doing the same transfers: a star of N
// replicas (1 Gbps, 10 ms per link), every gossip pair swapping `bytes` at once. The bare
// program builds the same PointToPoint topology (same devices, FqCoDel, /30 per link, global
// routing) and the same TCP (Cubic, MSS 8948, initial window 2, buffers as the backend sizes
// them) with BulkSend and PacketSink; both count frames with a PhyTxBegin trace. Counters:
// packets per wall-second (frames put on any link: data, ACKs, handshakes) and the simulated
// completion, which must agree between the two for the comparison to mean anything.
//
// ns-3.37's core-module.h does not compile as C++20, so single headers are included.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <string>

#include "ns3/application-container.h"
#include "ns3/boolean.h"
#include "ns3/bulk-send-helper.h"
#include "ns3/config.h"
#include "ns3/data-rate.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-generator.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/nstime.h"
#include "ns3/packet-sink-helper.h"
#include "ns3/packet-sink.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/tcp-cubic.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/uinteger.h"

#include "sim/backends/network_factory.h"
#include "sim/collectives/grouping.h"
#include "sim/net/ns3/ns3_network.h"
#include "sim/topogen/generators.h"

namespace locosim {
namespace {

constexpr std::int64_t kBytes = 8'000'000;
constexpr uint32_t kSegment = 9000 - 52;

struct Run {
  double completion_s = 0;
  std::uint64_t packets = 0;
};

// The gossip pairs: replicas 2k and 2k+1, each sending to the other.
std::vector<std::pair<int, int>> Pairs(int n) {
  std::vector<std::pair<int, int>> pairs;
  for (int r = 0; r + 1 < n; r += 2) {
    pairs.push_back({r, r + 1});
    pairs.push_back({r + 1, r});
  }
  return pairs;
}

Run OnBackend(const Topology& star) {
  Simulation sim = std::move(*MakeSimulation("ns3", star));
  Run run;
  for (auto [from, to] : Pairs(star.replica_count())) {
    sim.network->transfer(star.replicas[from], star.replicas[to], Bytes(kBytes), [&] {
      run.completion_s = std::max(run.completion_s, sim.loop->now().seconds());
    });
  }
  sim.loop->run();
  run.packets = static_cast<Ns3Network&>(*sim.network).packets();
  return run;
}

Run Bare(const Topology& star) {
  ns3::Simulator::Destroy();
  ns3::Ipv4AddressGenerator::Reset();
  // The TCP the backend configures for a 40 ms, 1 Gbps path (ns3_network.cc, ns3_connection.cc).
  const uint32_t send_buffer = 2 * 5'000'000;
  ns3::Config::SetDefault("ns3::TcpL4Protocol::SocketType",
                          ns3::TypeIdValue(ns3::TcpCubic::GetTypeId()));
  ns3::Config::SetDefault("ns3::TcpSocket::SegmentSize", ns3::UintegerValue(kSegment));
  ns3::Config::SetDefault("ns3::TcpSocket::InitialCwnd", ns3::UintegerValue(2));
  ns3::Config::SetDefault("ns3::TcpSocket::SndBufSize", ns3::UintegerValue(send_buffer));
  ns3::Config::SetDefault("ns3::TcpSocket::RcvBufSize",
                          ns3::UintegerValue(2 * send_buffer + 4 * kSegment));
  ns3::Config::SetDefault("ns3::TcpSocket::DelAckTimeout", ns3::TimeValue(ns3::MilliSeconds(40)));
  ns3::Config::SetDefault("ns3::TcpSocket::ConnTimeout", ns3::TimeValue(ns3::Seconds(1)));
  ns3::Config::SetDefault("ns3::TcpSocketBase::MinRto", ns3::TimeValue(ns3::MilliSeconds(200)));
  ns3::Config::SetDefault("ns3::TcpSocketState::EnablePacing", ns3::BooleanValue(false));

  ns3::NodeContainer nodes;
  nodes.Create(static_cast<uint32_t>(star.node_count()));
  ns3::InternetStackHelper internet;
  internet.SetIpv6StackInstall(false);
  internet.Install(nodes);
  ns3::PointToPointHelper p2p;
  p2p.SetDeviceAttribute("DataRate", ns3::DataRateValue(ns3::DataRate("1Gbps")));
  p2p.SetDeviceAttribute("Mtu", ns3::UintegerValue(9000));
  p2p.SetChannelAttribute("Delay", ns3::TimeValue(ns3::MilliSeconds(10)));
  p2p.SetQueue("ns3::DropTailQueue", "MaxSize", ns3::StringValue("1p"));
  ns3::TrafficControlHelper tc;
  tc.SetRootQueueDisc("ns3::FqCoDelQueueDisc", "MaxSize", ns3::StringValue("10240p"));
  ns3::Ipv4AddressHelper addresses("10.0.0.0", "255.255.255.252");
  std::vector<ns3::Ipv4Address> address(nodes.GetN());
  std::uint64_t packets = 0;
  for (const Link& link : star.links) {
    ns3::NetDeviceContainer devices = p2p.Install(nodes.Get(link.a), nodes.Get(link.b));
    tc.Install(devices);
    ns3::Ipv4InterfaceContainer interfaces = addresses.Assign(devices);
    addresses.NewNetwork();
    address[link.a] = interfaces.GetAddress(0);
    address[link.b] = interfaces.GetAddress(1);
    for (uint32_t d = 0; d < 2; ++d) {
      devices.Get(d)->TraceConnectWithoutContext(
          "PhyTxBegin", ns3::Callback<void, ns3::Ptr<const ns3::Packet>>(
                            [&packets](ns3::Ptr<const ns3::Packet>) { ++packets; }));
    }
  }
  ns3::Ipv4GlobalRoutingHelper::PopulateRoutingTables();

  uint16_t port = 10000;
  std::vector<ns3::Ptr<ns3::PacketSink>> sinks;
  for (auto [from, to] : Pairs(star.replica_count())) {
    const ns3::Ptr<ns3::Node> src = nodes.Get(star.replicas[from]);
    const ns3::Ptr<ns3::Node> dst = nodes.Get(star.replicas[to]);
    ns3::PacketSinkHelper sink("ns3::TcpSocketFactory",
                               ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port));
    ns3::ApplicationContainer sink_app = sink.Install(dst);
    sinks.push_back(ns3::DynamicCast<ns3::PacketSink>(sink_app.Get(0)));
    ns3::BulkSendHelper bulk("ns3::TcpSocketFactory",
                             ns3::InetSocketAddress(address[star.replicas[to]], port));
    bulk.SetAttribute("MaxBytes", ns3::UintegerValue(kBytes));
    bulk.SetAttribute("SendSize", ns3::UintegerValue(kSegment));
    bulk.Install(src);
    ++port;
  }
  // Completion: the last sink to have received everything, polled every 100 us.
  Run run;
  std::function<void()> poll = [&] {
    bool all = true;
    for (const auto& s : sinks) all = all && s->GetTotalRx() >= static_cast<uint64_t>(kBytes);
    if (all) {
      run.completion_s = ns3::Simulator::Now().GetSeconds();
      ns3::Simulator::Stop();
      return;
    }
    ns3::Simulator::Schedule(ns3::MicroSeconds(100), poll);
  };
  ns3::Simulator::Schedule(ns3::MicroSeconds(100), poll);
  ns3::Simulator::Run();
  run.packets = packets;
  ns3::Simulator::Destroy();
  return run;
}

void Report(benchmark::State& state, Run (*once)(const Topology&)) {
  const Topology star = MakeStar({static_cast<int>(state.range(0)), Gbps(1), Milliseconds(10)});
  Run run = once(star);  // warm-up, untimed: ns-3's first use of each type is slow
  std::uint64_t packets = 0;
  for (auto _ : state) {
    run = once(star);
    packets += run.packets;
  }
  state.counters["simulated_s"] = run.completion_s;
  state.counters["packets_per_s"] =
      benchmark::Counter(static_cast<double>(packets), benchmark::Counter::kIsRate);
  state.counters["packets"] = static_cast<double>(run.packets);
}

void BM_Ns3Backend(benchmark::State& state) { Report(state, OnBackend); }
void BM_BareNs3(benchmark::State& state) { Report(state, Bare); }

// Bare and backend runs alternate within each iteration, so that a busy machine slows both
// alike. overhead_pct is the median over iterations of the backend's CPU time per frame over
// the bare program's, minus one (CPU time of this process, which other processes on a shared
// machine disturb less than wall time); wall-time rates over all iterations are reported too.
void BM_BackendOverBare(benchmark::State& state) {
  const Topology star = MakeStar({static_cast<int>(state.range(0)), Gbps(1), Milliseconds(10)});
  Bare(star);  // warm-up
  OnBackend(star);
  double wall[2] = {0, 0};
  std::uint64_t packets[2] = {0, 0};
  std::vector<double> ratios;
  for (auto _ : state) {
    Run (*const runs[2])(const Topology&) = {Bare, OnBackend};
    double cpu_per_packet[2];
    for (int k = 0; k < 2; ++k) {
      const auto w0 = std::chrono::steady_clock::now();
      const std::clock_t c0 = std::clock();
      const std::uint64_t n = runs[k](star).packets;
      cpu_per_packet[k] = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC / n;
      wall[k] += std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
      packets[k] += n;
    }
    ratios.push_back(cpu_per_packet[1] / cpu_per_packet[0]);
  }
  std::sort(ratios.begin(), ratios.end());
  state.counters["bare_packets_per_wall_s"] = packets[0] / wall[0];
  state.counters["backend_packets_per_wall_s"] = packets[1] / wall[1];
  state.counters["overhead_pct"] = 100 * (ratios[ratios.size() / 2] - 1);
  state.counters["overhead_pct_min"] = 100 * (ratios.front() - 1);
  state.counters["overhead_pct_max"] = 100 * (ratios.back() - 1);
}

BENCHMARK(BM_Ns3Backend)->Arg(16)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_BareNs3)->Arg(16)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_BackendOverBare)->Arg(16)->Unit(benchmark::kMillisecond)->Iterations(9);

}  // namespace
}  // namespace locosim

BENCHMARK_MAIN();
