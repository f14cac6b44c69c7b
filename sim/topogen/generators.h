// Topology generators: the canonical shapes, parameterised, so that users can sweep them
// and scenarios can name them inline. Every generated topology passes ValidateTopology.
#pragma once

#include <string>
#include <vector>

#include <cstdint>

#include "sim/net/topology.h"

namespace locosim {

// N replicas "r0".."r{N-1}", each with one access link to a core switch "core".
struct StarParams {
  int replicas = 16;
  BitsPerSecond bandwidth = Gbps(1);
  SimTime latency = Milliseconds(10);  // per link, one way
};
Topology MakeStar(const StarParams& p);

// N replicas in a ring, each linked to the next.
struct RingParams {
  int replicas = 16;
  BitsPerSecond bandwidth = Gbps(1);
  SimTime latency = Milliseconds(10);
};
Topology MakeRing(const RingParams& p);

// R regions of N replicas. In region k, replicas "r{k}-{i}" link to a switch "sw{k}" with
// fast intra-region links; every pair of region switches shares one WAN link.
struct RegionsParams {
  int regions = 3;
  int replicas_per_region = 4;
  BitsPerSecond intra_bandwidth = Gbps(10);
  SimTime intra_latency = Microseconds(100);
  BitsPerSecond wan_bandwidth = Gbps(1);
  SimTime wan_latency = Milliseconds(40);
};
Topology MakeRegions(const RegionsParams& p);

// An internet-like heterogeneous network: N replicas spread round-robin over R regional
// hubs; each replica's access bandwidth is LogNormal around a median (clamped), its access
// latency uniform in a range; hubs are fully meshed by backbone links whose latency is
// uniform in a range. Seeded: the same parameters give the same topology.
struct InternetParams {
  int replicas = 256;
  int regions = 4;
  std::uint64_t seed = 1;
  BitsPerSecond access_bandwidth_median = Mbps(500);
  double access_bandwidth_sigma = 0.7;  // of ln(bandwidth)
  BitsPerSecond access_bandwidth_min = Mbps(50);
  BitsPerSecond access_bandwidth_max = Gbps(10);
  SimTime access_latency_min = Milliseconds(1);
  SimTime access_latency_max = Milliseconds(15);
  BitsPerSecond backbone_bandwidth = Gbps(100);
  SimTime backbone_latency_min = Milliseconds(10);
  SimTime backbone_latency_max = Milliseconds(70);
};
Topology MakeInternet(const InternetParams& p);

// Sites from per-pair tables (a cloud provider's inter-region latencies, measured
// bandwidths; sim/config/site_matrix_csv.h): each site is a switch named after it, with
// `replicas_per_site` replicas "{site}-{i}" on fast local links; every pair of sites shares
// one link with the table's one-way latency and bandwidth (or `wan_bandwidth` for all).
struct MatrixParams {
  std::vector<std::string> sites;
  std::vector<std::vector<SimTime>> latency;          // one way, [i][j]
  std::vector<std::vector<BitsPerSecond>> bandwidth;  // [i][j]; empty: wan_bandwidth
  BitsPerSecond wan_bandwidth = Gbps(1);
  int replicas_per_site = 1;
  BitsPerSecond site_bandwidth = Gbps(100);
  SimTime site_latency = Microseconds(100);
};
Topology MakeMatrix(const MatrixParams& p);

}  // namespace locosim
