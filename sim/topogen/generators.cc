#include "sim/topogen/generators.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/core/rng.h"

namespace locosim {
namespace {

NodeIndex AddNode(Topology& t, std::string id, std::string region = "") {
  t.nodes.push_back(Node{std::move(id), std::move(region)});
  return t.node_count() - 1;
}

void AddLink(Topology& t, NodeIndex a, NodeIndex b, BitsPerSecond bw, SimTime latency) {
  Link link;
  link.id = t.nodes[a].id + "-" + t.nodes[b].id;
  link.a = a;
  link.b = b;
  link.bandwidth = bw;
  link.latency = latency;
  t.links.push_back(std::move(link));
}

// Rates are rounded to whole Mbit/s so that written files read cleanly and reload exactly.
BitsPerSecond RoundRate(double bps) { return BitsPerSecond(std::round(bps / 1e6) * 1e6); }

}  // namespace

Topology MakeStar(const StarParams& p) {
  Topology t;
  t.name = "star" + std::to_string(p.replicas);
  const NodeIndex core = AddNode(t, "core");
  for (int i = 0; i < p.replicas; ++i) {
    const NodeIndex r = AddNode(t, "r" + std::to_string(i));
    AddLink(t, r, core, p.bandwidth, p.latency);
    t.replicas.push_back(r);
  }
  return t;
}

Topology MakeRing(const RingParams& p) {
  Topology t;
  t.name = "ring" + std::to_string(p.replicas);
  for (int i = 0; i < p.replicas; ++i) t.replicas.push_back(AddNode(t, "r" + std::to_string(i)));
  if (p.replicas == 2) AddLink(t, 0, 1, p.bandwidth, p.latency);
  if (p.replicas > 2) {
    for (int i = 0; i < p.replicas; ++i)
      AddLink(t, i, (i + 1) % p.replicas, p.bandwidth, p.latency);
  }
  return t;
}

Topology MakeRegions(const RegionsParams& p) {
  Topology t;
  t.name = "regions" + std::to_string(p.regions);
  std::vector<NodeIndex> switches;
  for (int k = 0; k < p.regions; ++k) {
    const std::string region = "region" + std::to_string(k);
    switches.push_back(AddNode(t, "sw" + std::to_string(k), region));
    for (int i = 0; i < p.replicas_per_region; ++i) {
      const NodeIndex r = AddNode(t, "r" + std::to_string(k) + "-" + std::to_string(i), region);
      AddLink(t, r, switches[k], p.intra_bandwidth, p.intra_latency);
      t.replicas.push_back(r);
    }
  }
  for (int a = 0; a < p.regions; ++a) {
    for (int b = a + 1; b < p.regions; ++b) {
      AddLink(t, switches[a], switches[b], p.wan_bandwidth, p.wan_latency);
    }
  }
  return t;
}

Topology MakeInternet(const InternetParams& p) {
  Topology t;
  t.name = "internet" + std::to_string(p.replicas);
  Rng backbone = Rng::Stream(p.seed, "topology/backbone");
  Rng access = Rng::Stream(p.seed, "topology/access");
  auto uniform_time = [](Rng& rng, SimTime lo, SimTime hi) {
    // Whole microseconds, for readable files.
    const double us = lo.seconds() * 1e6 + rng.uniform() * (hi - lo).seconds() * 1e6;
    return Microseconds(std::round(us));
  };
  std::vector<NodeIndex> hubs;
  for (int k = 0; k < p.regions; ++k) {
    hubs.push_back(AddNode(t, "hub" + std::to_string(k), "region" + std::to_string(k)));
  }
  for (int a = 0; a < p.regions; ++a) {
    for (int b = a + 1; b < p.regions; ++b) {
      AddLink(t, hubs[a], hubs[b], p.backbone_bandwidth,
              uniform_time(backbone, p.backbone_latency_min, p.backbone_latency_max));
    }
  }
  for (int i = 0; i < p.replicas; ++i) {
    const int k = i % p.regions;
    const NodeIndex r = AddNode(t, "r" + std::to_string(i), "region" + std::to_string(k));
    const double bps = std::clamp(
        p.access_bandwidth_median.bps() * std::exp(p.access_bandwidth_sigma * access.normal()),
        p.access_bandwidth_min.bps(), p.access_bandwidth_max.bps());
    AddLink(t, r, hubs[k], RoundRate(bps),
            uniform_time(access, p.access_latency_min, p.access_latency_max));
    t.replicas.push_back(r);
  }
  return t;
}

Topology MakeMatrix(const MatrixParams& p) {
  Topology t;
  t.name = "matrix" + std::to_string(p.sites.size());
  std::vector<NodeIndex> switches;
  for (const std::string& site : p.sites) {
    switches.push_back(AddNode(t, site, site));
    for (int i = 0; i < p.replicas_per_site; ++i) {
      const NodeIndex r = AddNode(t, site + "-" + std::to_string(i), site);
      AddLink(t, r, switches.back(), p.site_bandwidth, p.site_latency);
      t.replicas.push_back(r);
    }
  }
  for (std::size_t a = 0; a < p.sites.size(); ++a) {
    for (std::size_t b = a + 1; b < p.sites.size(); ++b) {
      const BitsPerSecond bandwidth = p.bandwidth.empty() ? p.wan_bandwidth : p.bandwidth[a][b];
      AddLink(t, switches[a], switches[b], bandwidth, p.latency[a][b]);
    }
  }
  return t;
}

}  // namespace locosim
