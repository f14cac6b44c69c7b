// locosim topology star|ring|regions|internet|matrix: writes a generated topology as JSON.
#include <memory>

#include "sim/config/site_matrix_csv.h"
#include "sim/config/topology_json.h"
#include "sim/topogen/generators.h"
#include "tools/cli/command.h"
#include "tools/cli/quantity_option.h"

namespace locosim::cli {
namespace {

// Validates what a generator made (so a zero-replica or disconnected request is reported,
// not written) and writes it.
int Emit(const Topology& t, const std::string& out, const std::optional<ConfigError>& error) {
  if (error) return ReportBadInput(*error);
  if (t.replicas.empty()) return ReportBadInput("--replicas: expected at least 1 replica");
  if (auto invalid = ValidateTopology(t, "<generated>")) return ReportBadInput(*invalid);
  return WriteOutput(out, TopologyToText(t));
}

struct Options {
  std::string out;
  int replicas = 16;
  std::string bandwidth = "1Gbps";
  std::string latency = "10ms";
};

void AddStar(CLI::App& topology, int& status) {
  auto o = std::make_shared<Options>();
  auto* cmd =
      topology.add_subcommand("star", "N replicas, each with one access link to a core switch");
  cmd->add_option("--replicas", o->replicas, "number of replicas")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--bandwidth", o->bandwidth, "per-link bandwidth, e.g. 1Gbps")
      ->capture_default_str();
  cmd->add_option("--latency", o->latency, "per-link one-way latency, e.g. 10ms")
      ->capture_default_str();
  cmd->add_option("-o,--output", o->out, "output file (default: stdout)");
  cmd->callback([o, &status] {
    std::optional<ConfigError> error;
    StarParams p;
    p.replicas = o->replicas;
    p.bandwidth = RateOption("--bandwidth", o->bandwidth, error);
    p.latency = DurationOption("--latency", o->latency, error);
    status = Emit(MakeStar(p), o->out, error);
  });
}

void AddRing(CLI::App& topology, int& status) {
  auto o = std::make_shared<Options>();
  auto* cmd = topology.add_subcommand("ring", "N replicas in a ring, each linked to the next");
  cmd->add_option("--replicas", o->replicas, "number of replicas")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--bandwidth", o->bandwidth, "per-link bandwidth")->capture_default_str();
  cmd->add_option("--latency", o->latency, "per-link one-way latency")->capture_default_str();
  cmd->add_option("-o,--output", o->out, "output file (default: stdout)");
  cmd->callback([o, &status] {
    std::optional<ConfigError> error;
    RingParams p;
    p.replicas = o->replicas;
    p.bandwidth = RateOption("--bandwidth", o->bandwidth, error);
    p.latency = DurationOption("--latency", o->latency, error);
    status = Emit(MakeRing(p), o->out, error);
  });
}

void AddRegions(CLI::App& topology, int& status) {
  struct RegionOptions {
    std::string out;
    int regions = 3, per_region = 4;
    std::string intra_bandwidth = "10Gbps", intra_latency = "100us";
    std::string wan_bandwidth = "1Gbps", wan_latency = "40ms";
  };
  auto o = std::make_shared<RegionOptions>();
  auto* cmd = topology.add_subcommand(
      "regions",
      "R regions of N replicas: fast links to a region switch, one shared WAN "
      "link between each pair of regions");
  cmd->add_option("--regions", o->regions, "number of regions")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--replicas-per-region", o->per_region, "replicas in each region")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--intra-bandwidth", o->intra_bandwidth, "replica-to-switch bandwidth")
      ->capture_default_str();
  cmd->add_option("--intra-latency", o->intra_latency, "replica-to-switch one-way latency")
      ->capture_default_str();
  cmd->add_option("--wan-bandwidth", o->wan_bandwidth, "bandwidth of each inter-region link")
      ->capture_default_str();
  cmd->add_option("--wan-latency", o->wan_latency, "one-way latency of each inter-region link")
      ->capture_default_str();
  cmd->add_option("-o,--output", o->out, "output file (default: stdout)");
  cmd->callback([o, &status] {
    std::optional<ConfigError> error;
    RegionsParams p;
    p.regions = o->regions;
    p.replicas_per_region = o->per_region;
    p.intra_bandwidth = RateOption("--intra-bandwidth", o->intra_bandwidth, error);
    p.intra_latency = DurationOption("--intra-latency", o->intra_latency, error);
    p.wan_bandwidth = RateOption("--wan-bandwidth", o->wan_bandwidth, error);
    p.wan_latency = DurationOption("--wan-latency", o->wan_latency, error);
    status = Emit(MakeRegions(p), o->out, error);
  });
}

void AddInternet(CLI::App& topology, int& status) {
  struct InternetOptions {
    std::string out;
    InternetParams p;
    std::string bw_median = "500Mbps", bw_min = "50Mbps", bw_max = "10Gbps";
    std::string lat_min = "1ms", lat_max = "15ms";
    std::string backbone_bw = "100Gbps", backbone_lat_min = "10ms", backbone_lat_max = "70ms";
  };
  auto o = std::make_shared<InternetOptions>();
  auto* cmd = topology.add_subcommand(
      "internet",
      "heterogeneous internet-like network: replicas spread over regional hubs; access "
      "bandwidth ~ LogNormal(median, sigma) clamped to [min, max], access latency ~ "
      "Uniform(min, max); hubs fully meshed by backbone links with latency ~ Uniform(min, max)");
  cmd->add_option("--replicas", o->p.replicas, "number of replicas")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--regions", o->p.regions, "number of regional hubs")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--seed", o->p.seed, "seed of the draws")->capture_default_str();
  cmd->add_option("--access-bandwidth-median", o->bw_median, "median access bandwidth")
      ->capture_default_str();
  cmd->add_option("--access-bandwidth-sigma", o->p.access_bandwidth_sigma,
                  "sigma of ln(access bandwidth)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--access-bandwidth-min", o->bw_min, "lower clamp of access bandwidth")
      ->capture_default_str();
  cmd->add_option("--access-bandwidth-max", o->bw_max, "upper clamp of access bandwidth")
      ->capture_default_str();
  cmd->add_option("--access-latency-min", o->lat_min, "lowest access one-way latency")
      ->capture_default_str();
  cmd->add_option("--access-latency-max", o->lat_max, "highest access one-way latency")
      ->capture_default_str();
  cmd->add_option("--backbone-bandwidth", o->backbone_bw, "bandwidth of each hub-to-hub link")
      ->capture_default_str();
  cmd->add_option("--backbone-latency-min", o->backbone_lat_min,
                  "lowest hub-to-hub one-way latency")
      ->capture_default_str();
  cmd->add_option("--backbone-latency-max", o->backbone_lat_max,
                  "highest hub-to-hub one-way latency")
      ->capture_default_str();
  cmd->add_option("-o,--output", o->out, "output file (default: stdout)");
  cmd->callback([o, &status] {
    std::optional<ConfigError> error;
    InternetParams p = o->p;
    p.access_bandwidth_median = RateOption("--access-bandwidth-median", o->bw_median, error);
    p.access_bandwidth_min = RateOption("--access-bandwidth-min", o->bw_min, error);
    p.access_bandwidth_max = RateOption("--access-bandwidth-max", o->bw_max, error);
    p.access_latency_min = DurationOption("--access-latency-min", o->lat_min, error);
    p.access_latency_max = DurationOption("--access-latency-max", o->lat_max, error);
    p.backbone_bandwidth = RateOption("--backbone-bandwidth", o->backbone_bw, error);
    p.backbone_latency_min = DurationOption("--backbone-latency-min", o->backbone_lat_min, error);
    p.backbone_latency_max = DurationOption("--backbone-latency-max", o->backbone_lat_max, error);
    if (!error && p.access_bandwidth_min > p.access_bandwidth_max) {
      error = ConfigError{"--access-bandwidth-min", "", "at most --access-bandwidth-max"};
    }
    if (!error && p.access_latency_min > p.access_latency_max) {
      error = ConfigError{"--access-latency-min", "", "at most --access-latency-max"};
    }
    if (!error && p.backbone_latency_min > p.backbone_latency_max) {
      error = ConfigError{"--backbone-latency-min", "", "at most --backbone-latency-max"};
    }
    status = Emit(MakeInternet(p), o->out, error);
  });
}

void AddMatrix(CLI::App& topology, int& status) {
  struct MatrixOptions {
    std::string out, latency_csv, bandwidth_csv;
    int replicas_per_site = 1;
    std::string wan_bandwidth = "1Gbps", site_bandwidth = "100Gbps", site_latency = "100us";
  };
  auto o = std::make_shared<MatrixOptions>();
  auto* cmd = topology.add_subcommand(
      "matrix",
      "sites from per-pair CSV tables (docs/topology.md): each site a switch with its "
      "replicas, every pair of sites one link with the table's latency and bandwidth");
  cmd->add_option("--latency", o->latency_csv,
                  "CSV of round-trip (rtt_ms, rtt_us, rtt_s) or one-way (one_way_ms, ...) "
                  "latencies between sites")
      ->required();
  cmd->add_option("--bandwidth", o->bandwidth_csv,
                  "CSV of bandwidths between sites (bandwidth_Mbps, bandwidth_Gbps, ...); "
                  "default: --wan-bandwidth for every pair");
  cmd->add_option("--wan-bandwidth", o->wan_bandwidth, "bandwidth of every site pair")
      ->capture_default_str();
  cmd->add_option("--replicas-per-site", o->replicas_per_site, "replicas at each site")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--site-bandwidth", o->site_bandwidth, "replica-to-site-switch bandwidth")
      ->capture_default_str();
  cmd->add_option("--site-latency", o->site_latency, "replica-to-site-switch one-way latency")
      ->capture_default_str();
  cmd->add_option("-o,--output", o->out, "output file (default: stdout)");
  cmd->callback([o, &status] {
    std::optional<ConfigError> error;
    MatrixParams p;
    p.replicas_per_site = o->replicas_per_site;
    p.wan_bandwidth = RateOption("--wan-bandwidth", o->wan_bandwidth, error);
    p.site_bandwidth = RateOption("--site-bandwidth", o->site_bandwidth, error);
    p.site_latency = DurationOption("--site-latency", o->site_latency, error);
    if (error) {
      status = ReportBadInput(*error);
      return;
    }
    const auto latency = ReadSiteMatrixFile(o->latency_csv, SiteQuantity::kLatency);
    if (!latency.ok()) {
      status = ReportBadInput(latency.error());
      return;
    }
    p.sites = latency->sites;
    for (const auto& row : latency->values) {
      std::vector<SimTime> times;
      for (double s : row) times.push_back(Seconds(s));
      p.latency.push_back(std::move(times));
    }
    if (!o->bandwidth_csv.empty()) {
      const auto bandwidth = ReadSiteMatrixFile(o->bandwidth_csv, SiteQuantity::kBandwidth);
      if (!bandwidth.ok()) {
        status = ReportBadInput(bandwidth.error());
        return;
      }
      if (bandwidth->sites != p.sites) {
        status = ReportBadInput(ConfigError{
            o->bandwidth_csv, "row 1", "the sites of " + o->latency_csv + ", in the same order"});
        return;
      }
      for (const auto& row : bandwidth->values) {
        std::vector<BitsPerSecond> rates;
        for (double bps : row) rates.push_back(BitsPerSecond(bps));
        p.bandwidth.push_back(std::move(rates));
      }
    }
    status = Emit(MakeMatrix(p), o->out, std::nullopt);
  });
}

}  // namespace

void AddTopologyCommand(CLI::App& app, int& status) {
  auto* topology = app.add_subcommand("topology", "generate a topology file (JSON)");
  topology->require_subcommand(1);
  AddStar(*topology, status);
  AddRing(*topology, status);
  AddRegions(*topology, status);
  AddInternet(*topology, status);
  AddMatrix(*topology, status);
}

}  // namespace locosim::cli
