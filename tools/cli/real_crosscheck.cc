#include "tools/cli/real_crosscheck.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/backends/network_factory.h"
#include "sim/collectives/collective_by_name.h"
#include "sim/net/real/netns.h"
#include "sim/net/real/real_simulation.h"
#include "sim/record/statistics.h"
#include "sim/topogen/generators.h"
#include "tools/cli/command.h"
#include "tools/cli/crosscheck_cells.h"

namespace locosim::cli {
namespace {

struct RealCase {
  std::string name;
  Topology topology;
  CollectiveSpec spec;
};

std::vector<RealCase> Cases() {
  std::vector<RealCase> cases;
  for (int n : {4, 6}) {
    for (double mbps : {100.0, 1000.0}) {
      for (int ms : {5, 20}) {
        for (const char* algorithm : {"gossip", "ring"}) {
          for (int mb : {8, 48}) {
            const std::string name =
                "star" + std::to_string(n) + "-" + (mbps < 1000 ? "100Mbps" : "1Gbps") + "-" +
                std::to_string(ms) + "ms-" + algorithm + "-" + std::to_string(mb) + "MB";
            cases.push_back({name, MakeStar({n, Mbps(mbps), Milliseconds(ms)}),
                             CollectiveSpec{algorithm, Bytes(std::int64_t(mb) * 1'000'000), 1}});
          }
        }
      }
    }
  }
  return cases;
}

bool KernelHas(const std::string& congestion_control) {
  std::ifstream in("/proc/sys/net/ipv4/tcp_available_congestion_control");
  std::string name;
  while (in >> name)
    if (name == congestion_control) return true;
  return false;
}

}  // namespace

int RunRealCrosscheck(const NetworkOptions& options, bool json, bool check, double tolerance) {
  if (auto why = real::WhyNoNamespaces()) {
    return ReportBadInput("crosscheck --real: expected " + *why);
  }
  const bool has_ns3 =
      std::find(BackendNames().begin(), BackendNames().end(), "ns3") != BackendNames().end();
  const bool has_bbr = KernelHas("bbr");
  struct Row {
    std::string name;
    std::optional<double> flow, ns3, cubic, bbr;
  };
  std::vector<Row> rows;
  if (!json) {
    std::printf("%-34s %9s %9s %11s %9s %9s %9s %9s\n", "case", "flow s", "ns3 s", "real cubic",
                "real bbr", "flow %", "ns3 %", "flow-bbr%");
  }
  const std::vector<RealCase> cases = Cases();
  if (auto refused = real::RefusedForReal(cases.front().topology, options)) {
    return ReportBadInput(*refused);
  }
  for (const RealCase& c : cases) {
    Row r{c.name, {}, {}, {}, {}};
    r.flow = CollectiveSeconds(MakeSimulation("flow", c.topology, options), c.topology, c.spec);
    if (has_ns3)
      r.ns3 = CollectiveSeconds(MakeSimulation("ns3", c.topology, options), c.topology, c.spec);
    real::RealOptions real = real::RealOptionsFor(options);  // the models' TCP settings
    real.deadline = std::chrono::seconds(60);
    real.congestion_control = "cubic";
    r.cubic = CollectiveSeconds(real::MakeRealSimulation(c.topology, real), c.topology, c.spec);
    if (has_bbr) {
      real.congestion_control = "bbr";
      r.bbr = CollectiveSeconds(real::MakeRealSimulation(c.topology, real), c.topology, c.spec);
    }
    if (!json) {
      std::printf("%-34s %9s %9s %11s %9s %9s %9s %9s\n", r.name.c_str(),
                  SecondsCell(r.flow, 4).c_str(), SecondsCell(r.ns3, 4).c_str(),
                  SecondsCell(r.cubic, 4).c_str(), SecondsCell(r.bbr, 4).c_str(),
                  ErrorCell(r.flow, r.cubic).c_str(), ErrorCell(r.ns3, r.cubic).c_str(),
                  ErrorCell(r.flow, r.bbr).c_str());
      std::fflush(stdout);
    }
    rows.push_back(r);
  }
  int failed = 0;  // real runs without a result (a stall or a refusal): never left unsaid
  for (const Row& r : rows) failed += (!r.cubic ? 1 : 0) + (has_bbr && !r.bbr ? 1 : 0);
  std::vector<double> flow_err, ns3_err, bbr_err;
  for (const Row& r : rows) {
    if (r.flow && r.cubic) flow_err.push_back(std::abs(*r.flow - *r.cubic) / *r.cubic);
    if (r.ns3 && r.cubic) ns3_err.push_back(std::abs(*r.ns3 - *r.cubic) / *r.cubic);
    if (r.flow && r.bbr) bbr_err.push_back(std::abs(*r.flow - *r.bbr) / *r.bbr);
  }
  const double median = Median(flow_err);
  if (json) {
    nlohmann::json doc = {{"cases", nlohmann::json::array()}};
    auto value = [](const std::optional<double>& v) {
      return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    for (const Row& r : rows) {
      doc["cases"].push_back({{"case", r.name},
                              {"flow_s", value(r.flow)},
                              {"ns3_s", value(r.ns3)},
                              {"real_cubic_s", value(r.cubic)},
                              {"real_bbr_s", value(r.bbr)}});
    }
    doc["flow_vs_real_cubic"] = {{"median_abs_error", median}, {"max_abs_error", Worst(flow_err)}};
    doc["ns3_vs_real_cubic"] = {{"median_abs_error", Median(ns3_err)},
                                {"max_abs_error", Worst(ns3_err)}};
    doc["flow_vs_real_bbr"] = {{"median_abs_error", Median(bbr_err)},
                               {"max_abs_error", Worst(bbr_err)}};
    doc["real_runs_without_result"] = failed;
    std::cout << doc.dump(2) << "\n";
  } else {
    std::printf(
        "flow against real cubic: median |error| %.1f%%, worst %.1f%% (%zu cases)\n"
        "ns3 against real cubic:  median |error| %.1f%%, worst %.1f%%\n"
        "flow against real bbr:   median |error| %.1f%%, worst %.1f%%%s\n",
        100 * median, 100 * Worst(flow_err), flow_err.size(), 100 * Median(ns3_err),
        100 * Worst(ns3_err), 100 * Median(bbr_err), 100 * Worst(bbr_err),
        has_bbr ? "" : " (this kernel has no bbr)");
    if (failed > 0) std::printf("%d real runs gave no result (shown as -)\n", failed);
  }
  return check && (failed > 0 || !(median <= tolerance)) ? 1 : 0;
}

}  // namespace locosim::cli
