#include "tools/cli/real_lossy_crosscheck.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
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

struct LossyCase {
  std::string name;
  Topology topology;
  int streams = 1;
};

std::vector<LossyCase> Cases() {
  std::vector<LossyCase> cases;
  for (double mbps : {500.0, 1000.0}) {
    for (double loss : {1e-4, 1e-3}) {
      for (int streams : {1, 4}) {
        Topology t = MakeStar({2, Mbps(mbps), Milliseconds(25)});
        for (Link& link : t.links) link.loss_rate = loss;
        const std::string name = std::string("pair-") + (mbps < 1000 ? "500Mbps" : "1Gbps") +
                                 "-100msRTT-" + (loss < 1e-3 ? "0.01%" : "0.1%") + "-" +
                                 std::to_string(streams) + "stream" + (streams > 1 ? "s" : "");
        cases.push_back({name, std::move(t), streams});
      }
    }
  }
  return cases;
}

const CollectiveSpec kGossip{"gossip", Bytes(64'000'000), 1};

// The mean of the runs that gave a result, and how many did.
struct Runs {
  std::vector<double> seconds;
  std::optional<double> mean() const {
    if (seconds.empty()) return std::nullopt;
    return MeanWith95Interval(seconds).mean;
  }
};

std::string Range(const Runs& r) {
  if (r.seconds.empty()) return "-";
  char text[48];
  std::snprintf(text, sizeof text, "%.2f-%.2f (%zu)",
                *std::min_element(r.seconds.begin(), r.seconds.end()),
                *std::max_element(r.seconds.begin(), r.seconds.end()), r.seconds.size());
  return text;
}

}  // namespace

int RunRealLossyCrosscheck(const NetworkOptions& options, bool json, bool check, double tolerance,
                           int seeds, int real_runs) {
  if (auto why = real::WhyNoNamespaces()) {
    return ReportBadInput("crosscheck --real --lossy: expected " + *why);
  }
  const bool has_ns3 =
      std::find(BackendNames().begin(), BackendNames().end(), "ns3") != BackendNames().end();
  struct Row {
    std::string name;
    Runs flow, ns3, real;
  };
  std::vector<Row> rows;
  if (!json) {
    std::printf("%-38s %9s %9s %11s %18s %8s %8s\n", "case", "flow s", "ns3 s", "real cubic",
                "real range (runs)", "flow %", "ns3 %");
  }
  for (const LossyCase& c : Cases()) {
    NetworkOptions own = options;
    own.tcp.streams = c.streams;
    if (auto refused = real::RefusedForReal(c.topology, own)) return ReportBadInput(*refused);
    Row r{c.name, {}, {}, {}};
    for (int i = 0; i < seeds; ++i) {
      NetworkOptions seeded = own;
      seeded.loss_seed = options.loss_seed + static_cast<std::uint64_t>(i);
      seeded.ns3.seed = options.ns3.seed + static_cast<std::uint64_t>(i);
      if (auto s =
              CollectiveSeconds(MakeSimulation("flow", c.topology, seeded), c.topology, kGossip))
        r.flow.seconds.push_back(*s);
      if (has_ns3) {
        if (auto s =
                CollectiveSeconds(MakeSimulation("ns3", c.topology, seeded), c.topology, kGossip))
          r.ns3.seconds.push_back(*s);
      }
    }
    real::RealOptions real = real::RealOptionsFor(own);  // the models' TCP settings
    real.deadline = std::chrono::seconds(90);
    real.congestion_control = "cubic";
    for (int i = 0; i < real_runs; ++i) {
      real.seed = options.ns3.seed + static_cast<std::uint64_t>(i);  // the emulator's drops
      if (auto s =
              CollectiveSeconds(real::MakeRealSimulation(c.topology, real), c.topology, kGossip))
        r.real.seconds.push_back(*s);
    }
    if (!json) {
      std::printf("%-38s %9s %9s %11s %18s %8s %8s\n", r.name.c_str(),
                  SecondsCell(r.flow.mean(), 3).c_str(), SecondsCell(r.ns3.mean(), 3).c_str(),
                  SecondsCell(r.real.mean(), 3).c_str(), Range(r.real).c_str(),
                  ErrorCell(r.flow.mean(), r.real.mean()).c_str(),
                  ErrorCell(r.ns3.mean(), r.real.mean()).c_str());
      std::fflush(stdout);
    }
    rows.push_back(std::move(r));
  }
  int failed = 0;  // real runs without a result: never left unsaid
  std::vector<double> flow_err, ns3_err;
  for (const Row& r : rows) {
    failed += real_runs - static_cast<int>(r.real.seconds.size());
    const auto real = r.real.mean();
    if (!real) continue;
    if (auto f = r.flow.mean()) flow_err.push_back(std::abs(*f - *real) / *real);
    if (auto n = r.ns3.mean()) ns3_err.push_back(std::abs(*n - *real) / *real);
  }
  const double median = Median(flow_err);
  if (json) {
    nlohmann::json doc = {{"cases", nlohmann::json::array()}};
    auto value = [](const std::optional<double>& v) {
      return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    for (const Row& r : rows) {
      doc["cases"].push_back({{"case", r.name},
                              {"flow_mean_s", value(r.flow.mean())},
                              {"ns3_mean_s", value(r.ns3.mean())},
                              {"real_cubic_mean_s", value(r.real.mean())},
                              {"real_cubic_runs_s", r.real.seconds}});
    }
    doc["flow_vs_real_cubic"] = {{"median_abs_error", median}, {"max_abs_error", Worst(flow_err)}};
    doc["ns3_vs_real_cubic"] = {{"median_abs_error", Median(ns3_err)},
                                {"max_abs_error", Worst(ns3_err)}};
    doc["seeds"] = seeds;
    doc["real_runs"] = real_runs;
    doc["real_runs_without_result"] = failed;
    std::cout << doc.dump(2) << "\n";
  } else {
    std::printf(
        "flow (mean of %d seeds) against real cubic (mean of %d runs): median |error| %.1f%%, "
        "worst %.1f%% (%zu cases)\nns3 (mean of %d seeds) against real cubic: median |error| "
        "%.1f%%, worst %.1f%%\n",
        seeds, real_runs, 100 * median, 100 * Worst(flow_err), flow_err.size(), seeds,
        100 * Median(ns3_err), 100 * Worst(ns3_err));
    if (failed > 0) std::printf("%d real runs gave no result\n", failed);
  }
  return check && (failed > 0 || !(median <= tolerance)) ? 1 : 0;
}

}  // namespace locosim::cli
